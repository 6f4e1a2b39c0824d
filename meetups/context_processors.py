from .models import SiteProfile


def site_profile(request):
    """Make the group's profile available to every template without a query."""
    return {"site_profile": SiteProfile.cached()}
