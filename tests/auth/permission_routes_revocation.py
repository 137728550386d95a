"""Permission matrix entries of revocation: signing out everywhere, the API's sign-out and password change
(see tests/test_permissions.py)."""
from tests.factories import PASSWORD
from tests.permission_matrix import signed_in

ROUTES = [
    ("POST", "/compte/deconnexion-partout", {}, signed_in(302)),  # to the sign-in page, signed out
    ("POST", "/api/v1/auth/logout", None, signed_in(204, anon=401)),
    ("POST", "/api/v1/me/sign-out-everywhere", None, signed_in(204, anon=401)),
    ("POST", "/api/v1/me/password", {"current_password": PASSWORD, "new_password": "un tout autre mot de passe"},
     signed_in(204, anon=401)),
]
