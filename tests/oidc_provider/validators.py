"""The provider's claims: e-mail (scope email) and preferred_username (scope profile), as an
Entra ID tenant gives them."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, str]:
        return {"email": request.user.email, "preferred_username": request.user.username}
