import logging

from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contributions.forms import ContributionForm
from contributions.tasks import notify_editors
from memoria import rate_limits
from memoria.client_address import client_address, hash_address

logger = logging.getLogger("memoria.contributions")

TEMPLATE = "contributions/contribute.html"


@require_http_methods(["GET", "POST"])
def contribute_view(request):
    if request.method != "POST":
        entry = ContributionForm.public_entry(request.GET.get("entry"))
        initial = {"entry": entry.pk, "kind": "correction"} if entry else {}
        return _render(request, ContributionForm(initial=initial), entry)

    address_hash = hash_address(client_address(request))
    # Only what was sent counts (a form sent back with an error does not), so check, then count.
    wait = rate_limits.seconds_to_wait(request, "contribute", count=False)
    if wait:
        # Keep what they wrote on the page (unbound, so no other errors), so nothing is lost.
        form = ContributionForm(initial=request.POST.dict())
        refusal = _(
            "You have sent several contributions within the last hour. To protect the archive "
            "from automated messages, please wait an hour before sending the next one."
        )
        entry = ContributionForm.public_entry(request.POST.get("entry"))
        response = _render(request, form, entry, refusal=refusal, status=429)
        response["Retry-After"] = str(wait)
        return response

    if ContributionForm.honeypot_filled(request.POST):
        # Answer as if it worked, so a bot learns nothing; store nothing.
        rate_limits.count(request, "contribute")
        logger.info("Contribution dropped: honeypot filled")
        return redirect("contribute_thanks")

    form = ContributionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, form.cleaned_data.get("entry"))

    contribution = form.save(commit=False)
    contribution.language = translation.get_language()
    contribution.ip_hash = address_hash
    contribution.save()
    rate_limits.count(request, "contribute")
    notify_editors.enqueue(contribution.pk)
    return redirect("contribute_thanks")


def thanks_view(request):
    return render(request, "contributions/thanks.html")


def _render(request, form, entry, refusal=None, status=200):
    context = {
        "form": form,
        "entry": entry,
        "refusal": refusal,
        # Browsers do not send a chosen file again after an error.
        "photo_dropped": form.is_bound and bool(form.errors) and "photo" in request.FILES,
    }
    return render(request, TEMPLATE, context, status=status)
