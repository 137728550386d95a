"""Imports every model module so metadata is complete (Alembic autogenerate, tests)."""
from lms.auth import models as auth_models  # noqa: F401
from lms.authoring import models as authoring_models  # noqa: F401
from lms.certificates import models as certificates_models  # noqa: F401
from lms.core import outbox  # noqa: F401
from lms.learning import models as learning_models  # noqa: F401
from lms.videos import models as videos_models  # noqa: F401
