from django.urls import path

from accounts.views import assignments, audit, login, tokens

urlpatterns = [
    path("masuk/", login.login_view, name="login"),
    path("masuk/totp/", login.login_totp, name="login-totp"),
    path("masuk/totp/daftar/", login.login_totp_enrol, name="login-totp-enrol"),
    path("keluar/", login.logout_view, name="logout"),
    path("akun/", login.account, name="account"),
    path("akun/totp/", login.account_totp, name="account-totp"),
    path("akun/sandi/", login.password_change, name="password-change"),
    path("akun/token/", tokens.token_list, name="token-list"),
    path("akun/token/<int:pk>/cabut/", tokens.token_revoke, name="token-revoke"),
    path("akun/penugasan/", assignments.assignment_list, name="assignment-list"),
    path("akun/penugasan/<int:pk>/cabut/", assignments.assignment_remove, name="assignment-remove"),
    path("akun/audit/", audit.audit_list, name="audit-list"),
    path("akun/audit.csv", audit.audit_export, name="audit-export"),
]
