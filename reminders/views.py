"""Pages: "My deadlines" (with the calendar feed address) and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from organisation.principal import Principal, principal_for

from . import selectors, services
from .ical import FeedEvent, render_calendar
from .models import CalendarFeed


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    today = timezone.localdate()
    deadlines = selectors.my_deadlines(principal, on=today)
    # Opening the page writes nothing: the address is made when the person asks for it.
    feed = CalendarFeed.objects.filter(user=request.user).only("token").first()  # type: ignore[misc]
    feed_url = (
        request.build_absolute_uri(reverse("reminders:feed", args=[feed.token])) if feed else ""
    )
    return render(
        request,
        "reminders/my_deadlines.html",
        {
            "overdue": [d for d in deadlines if d.deadline.is_overdue(today)],
            "upcoming": [d for d in deadlines if not d.deadline.is_overdue(today)],
            "today": today,
            "feed_url": feed_url,
        },
    )


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    _principal(request)
    had_one = CalendarFeed.objects.filter(user=request.user).exists()  # type: ignore[misc]
    services.calendar_feed_reset(user=request.user)  # type: ignore[arg-type]
    if had_one:
        messages.success(
            request,
            "Your calendar address has been reset. The old address no longer works: add the "
            "new one to your calendar app.",
        )
    else:
        messages.success(request, "Your calendar address is ready: add it to your calendar app.")
    return redirect("reminders:mine")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed, for calendar apps that cannot sign in: the secret address is the key.
    Only the owner's own deadlines, never anything about pay or wellbeing."""
    found = (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if found is None:
        raise Http404("No such calendar.")
    principal = principal_for(found.user)
    if not principal.is_authenticated:
        raise Http404("No such calendar.")
    host = request.get_host().split(":")[0]
    events = [
        FeedEvent(
            uid=f"{item.key}@{host}",
            summary=f"{item.deadline.label}: {item.whose}",
            description=f"Due {item.deadline.due_on:%-d %B %Y}. {item.whose}.",
            on=item.deadline.due_on,
            url=request.build_absolute_uri(reverse("reminders:mine")),
        )
        for item in selectors.my_deadlines(principal, include_private=False)
    ]
    body = render_calendar(
        name="Appraisal deadlines",
        events=events,
        stamp=timezone.now(),
        product="Staff appraisal",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appraisal-deadlines.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
