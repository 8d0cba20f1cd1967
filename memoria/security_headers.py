"""The headers that tell browsers what the site may do: the Content Security Policy and Permissions-Policy.

django-csp writes the policy of settings.CONTENT_SECURITY_POLICY. The public site runs no inline
script; Wagtail's admin does (its inline panels and date pickers write small scripts into the
page) and frames its own previews, so its paths get the policy of settings.MEMORIA_CSP_ADMIN instead.
"""

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.MEMORIA_ADMIN_PATHS):
            parts.config = default_config(settings.MEMORIA_CSP_ADMIN)
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.MEMORIA_PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.MEMORIA_PERMISSIONS_POLICY
        return response
