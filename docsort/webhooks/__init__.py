"""Webhooks: endpoints configured on jobs and batches, their events, and the address guard."""
