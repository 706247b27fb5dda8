"""The Samverkan fixtures (agreements, a council, meetings) serve the checklist's tests too."""

from tests.collaboration.conftest import (  # noqa: F401
    action,
    agreement,
    council,
    media,
    meeting_on,
    priority_areas,
)
