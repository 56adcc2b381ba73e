"""Staff and manager accounts from the back-office fixtures."""
from tests.backoffice.conftest import as_manager, as_staff, manager_user, staff_user  # noqa: F401
