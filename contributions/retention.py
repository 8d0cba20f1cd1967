"""Readers' contributions are kept for a set time after an editor handled them, then deleted."""

from contributions.models import Contribution


def prune_handled_contributions(now=None) -> int:
    """Delete the contributions handled more than MEMORIA_CONTRIBUTION_RETENTION_DAYS ago; how many went.

    One by one, so that each deletion removes its photo (contributions.models.delete_photo).
    """
    due = Contribution.past_retention(now)
    count = 0
    for contribution in due.iterator():
        contribution.delete()
        count += 1
    return count
