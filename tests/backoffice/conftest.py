"""Back-office fixtures: staff and manager accounts, and signing in through the real form."""
import pytest

from shop.accounts.service import create_staff
from tests.helpers import csrf_token

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_user(app):
    return create_staff("sam.staff@example.com", PASSWORD, "staff", "Sam")


@pytest.fixture
def manager_user(app):
    return create_staff("mia.manager@example.com", PASSWORD, "manager", "Mia")


def sign_in(client, user, password=PASSWORD):
    """Sign in through /admin/login with CSRF, as a person would."""
    token = csrf_token(client, "/admin/login")
    response = client.post("/admin/login", data={"email": user.email, "password": password,
                                                 "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def as_staff(client, staff_user):
    return sign_in(client, staff_user)


@pytest.fixture
def as_manager(client, manager_user):
    return sign_in(client, manager_user)
