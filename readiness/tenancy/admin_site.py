"""The Django admin is for MSP admins (superusers) only.

Decision: tenant managers work in the product's own pages, which are scoped and
audited; the admin is an MSP tool. Staff users who are not superusers are sent to
the admin login page like anonymous users. Model admins of tenant-owned models still
subclass `TenantScopedAdmin`, so scoping holds even if this rule is ever relaxed.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class MSPAdminSite(admin.AdminSite):
    site_header = "SMTP AUTH Readiness · MSP administration"
    site_title = "SMTP AUTH Readiness admin"

    def has_permission(self, request):
        # Imported here: this module is loaded with INSTALLED_APPS, before the models.
        from readiness.tenancy.scoping import is_msp_admin

        return is_msp_admin(request.user)


class MSPAdminConfig(AdminConfig):
    default_site = "readiness.tenancy.admin_site.MSPAdminSite"
