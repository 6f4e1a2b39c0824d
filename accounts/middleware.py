"""Before any admin page, an account that must use a second factor proves it (accounts/second_factor.py)."""

from django.urls import reverse

from . import second_factor


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in, unverified account that needs a second factor
    gets the enrolment page (no device yet) or the code page, whatever admin page it asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._stops(request):
            return second_factor.prove_first(request)
        return self.get_response(request)

    @staticmethod
    def _stops(request):
        admin = reverse("admin:index")
        # The verify page's prefix holds the enrolment and the recovery codes too.
        open_pages = (reverse("admin:login"), reverse("admin:logout"), reverse("accounts:verify"))
        return (
            request.path.startswith(admin)
            and not request.path.startswith(open_pages)
            and second_factor.still_to_prove(request.user)
        )
