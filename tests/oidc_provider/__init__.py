"""A real OpenID Connect provider for the single sign-on tests (tests/core/test_sso.py): a Django project
of its own on django-oauth-toolkit, started by the tests in a second process on a free port with its own
SQLite database and RSA key. It plays the province's identity platform; the portal knows nothing of it
but the endpoints and the client id and secret it is given."""
