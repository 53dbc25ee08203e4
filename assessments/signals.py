"""Domain events other apps may listen to, so the domain never imports them."""

from django.dispatch import Signal

# Sent after the transaction that stored the result commits; kwargs: assessment_id, result_id.
assessment_scored = Signal()
