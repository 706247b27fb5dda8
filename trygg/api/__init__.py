"""The REST API under /api/: the router, the OpenAPI schema and its browsable docs.

Serializers and viewsets live with the app whose data they show (``accounts.api``,
``accounts.api``, ``incidents.api``); this package only puts them together.
"""
