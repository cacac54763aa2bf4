from django.urls import path

from .views import auth, mine, oidc, sso

app_name = "accounts"

urlpatterns = [
    path("", mine.home, name="home"),
    path("register/", auth.register, name="register"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("reset/", auth.reset, name="reset"),
    path("terms/", auth.terms, name="terms"),
    path("sso/check/", sso.check, name="sso_check"),
    path("sso/accept/", sso.accept, name="sso_accept"),
    path("letters/", mine.letters, name="letters"),
    path("applications/", mine.applications, name="applications"),
    path("tags/", mine.tags, name="tags"),
    path("data/", mine.data, name="data"),
    # mozilla-django-oidc's addresses and names; its two ends are Huimin's (hub only, pages in Chinese).
    path("oidc/authenticate/", oidc.Authenticate.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.Callback.as_view(), name="oidc_authentication_callback"),
    path("oidc/logout/", auth.logout, name="oidc_logout"),  # one sign-out for the group, however one came in
]
