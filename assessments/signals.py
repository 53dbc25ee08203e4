"""Domain events other apps may listen to, so the domain never imports them."""

from django.dispatch import Signal

# Sent once per scoring transaction, inside it, so that what listeners write (webhook deliveries
# and their outbox rows) commits with the results or not at all; kwargs: results, a dict of
# assessment id -> result id for every assessment it scored (one, or a batch).
assessments_scored = Signal()

# Sent after a tracked action is created or changed commits; kwargs: action_id, and change_id,
# the id of the history row of that change (one event per change, however often it is sent).
tracked_action_changed = Signal()
