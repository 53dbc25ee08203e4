"""Listeners to domain signals; connected in ApiConfig.ready() so the domain never imports api."""

from __future__ import annotations

from api import webhooks


def on_assessment_scored(sender, *, assessment_id: int, result_id: int, **kwargs) -> None:
    webhooks.deliveries_create_for_scored(assessment_id=assessment_id, result_id=result_id)
