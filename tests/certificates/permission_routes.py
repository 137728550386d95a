"""The certificates' routes in the permission matrix (tests/test_permissions.py).

{code} is a certificate issued to the matrix's learner (ctx["owner"]): the holder and
coordinators see it and its PDF, another learner and the trainers get 403, anonymous
visitors go to sign in. The verification page is public. Revocation: coordinators only.
"""
from tests.certificates.helpers import issued_certificate
from tests.permission_matrix import ANON, COORD, OTHER, OTHER_TRAINER, OWNER, TRAINER, coordinator_only, everyone, signed_in

HOLDER_OR_COORDINATOR = {ANON: 302, OWNER: 200, OTHER: 403, TRAINER: 403, OTHER_TRAINER: 403, COORD: 200}

ROUTES = [
    ("GET", "/verify/<code>", None, everyone(200)),
    ("GET", "/attestations", None, signed_in(200)),
    ("GET", "/attestations/<code>", None, HOLDER_OR_COORDINATOR),
    ("GET", "/attestations/<code>.pdf", None, HOLDER_OR_COORDINATOR),
    ("GET", "/admin/attestations", None, coordinator_only()),
    ("POST", "/admin/attestations/<code>/revocation", {"reason": "Délivrée par erreur"}, coordinator_only(302)),
    ("GET", "/api/v1/me/certificates", None, signed_in(200, anon=401)),
    ("GET", "/api/v1/certificates/<code>.pdf", None, {**HOLDER_OR_COORDINATOR, ANON: 401}),
    ("POST", "/api/v1/certificates/<code>/revoke", {"reason": "Délivrée par erreur"}, coordinator_only(200, anon=401)),
]


def owner_certificate_code(ctx) -> str:
    return issued_certificate(ctx["owner"], title="Parcours terminé").display_code


def _with_code(rule):
    return lambda ctx: rule.replace("<code>", owner_certificate_code(ctx))


PATHS = {rule: _with_code(rule) for _method, rule, _body, _expected in ROUTES if "<code>" in rule}
