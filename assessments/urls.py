from django.contrib.auth import views as auth_views
from django.urls import path

from assessments import views
from assessments.views import account, invitations, mfa

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", account.profile, name="profile"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("invitations/", invitations.invitation_list, name="invitations"),
    path("invitations/<int:pk>/resend/", invitations.invitation_resend, name="invitation-resend"),
    path("invitations/<int:pk>/revoke/", invitations.invitation_revoke, name="invitation-revoke"),
    path("join/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path("account/security/", mfa.security, name="mfa-security"),
    path("account/security/enrol/", mfa.enrol, name="mfa-enrol"),
    path("account/security/verify/", mfa.verify, name="mfa-verify"),
    path("account/security/recovery/", mfa.recovery, name="mfa-recovery"),
    path("account/security/remove/", mfa.remove, name="mfa-remove"),
    path("account/security/codes/", mfa.new_codes, name="mfa-new-codes"),
    path("", views.dashboard, name="dashboard"),
    path("assessments/new/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/steps/<slug:step>/", views.step, name="assessment-step"),
    path("assessments/<int:pk>/delete/", views.assessment_delete, name="assessment-delete"),
    path("assessments/<int:pk>/review/", views.review, name="assessment-review"),
    path("assessments/<int:pk>/submit/", views.submit, name="assessment-submit"),
    path("assessments/<int:pk>/status/", views.status, name="assessment-status"),
    path("assessments/<int:pk>/status.json", views.status_json, name="assessment-status-json"),
    path("assessments/<int:pk>/report/", views.report, name="assessment-report"),
    path("assessments/<int:pk>/report.pdf", views.report_pdf, name="assessment-report-pdf"),
    path("assessments/<int:pk>/report.csv", views.report_csv, name="assessment-report-csv"),
    path("assessments/<int:pk>/report.xlsx", views.report_xlsx, name="assessment-report-xlsx"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio.csv", views.portfolio_csv, name="portfolio-csv"),
    path("portfolio.xlsx", views.portfolio_xlsx, name="portfolio-xlsx"),
    path("brands/<slug:slug>/actions/", views.brand_actions, name="brand-actions"),
    path("brands/<slug:slug>/actions/<int:pk>/", views.brand_action, name="brand-action"),
]
