"""The verbs of accounts. Services add and flush; the caller commits.

One module per concern; everything callers use is importable from here.
"""
from lms.auth.services.accounts import (
    TOKEN_USER_ID,
    audit,
    authenticate,
    change_password,
    change_role,
    check_audience,
    check_full_name,
    check_password_strength,
    create_user,
    find_email_token,
    get_user,
    issue_api_token,
    normalize_email,
    organisation_named,
    register,
    request_password_reset,
    resend_invitation,
    search_users,
    send_invitation,
    set_password_with_token,
    sign_out_everywhere,
    token_parameters,
    update_profile,
    user_by_email,
    user_for_api_token,
)
from lms.auth.services.gdpr import erase_user, export_user_data
from lms.auth.services.importing import (
    MAX_IMPORT_ROWS,
    ImportResult,
    decode_csv,
    import_users_csv,
)
from lms.auth.services.retention import (
    INACTIVITY_LIMIT,
    INACTIVITY_NOTICE,
    process_inactive_accounts,
)
from lms.auth.services.sign_ins import (
    end_sign_in,
    revoke_access,
    revoke_api_token,
    start_sign_in,
    user_for_session,
)

__all__ = [
    "TOKEN_USER_ID", "token_parameters",
    "INACTIVITY_LIMIT", "INACTIVITY_NOTICE", "MAX_IMPORT_ROWS", "ImportResult", "audit", "authenticate",
    "change_password", "change_role", "check_audience", "check_full_name", "check_password_strength",
    "create_user", "decode_csv", "end_sign_in", "erase_user", "export_user_data", "find_email_token", "get_user", "import_users_csv",
    "issue_api_token", "normalize_email", "organisation_named", "process_inactive_accounts",
    "register", "request_password_reset", "resend_invitation", "revoke_access", "revoke_api_token", "search_users",
    "send_invitation", "set_password_with_token", "sign_out_everywhere", "start_sign_in",
    "update_profile", "user_by_email", "user_for_api_token", "user_for_session",
]
