"""Alerts: the payload contract, routing, the outbox, delivery, and the channels.

    compose.build_payload(...)        the public webhook JSON of one alert (pure)
    outbox.write_alert(session, ...)  in the detection transaction: the alert and its deliveries
    outbox.claim_due(session, ...)    periodic task: lease due deliveries, commit, enqueue ids
    deliver.deliver(session, id, ...) delivery task: send one leased delivery, record it
    deliver.deliver_due(db, ...)      both steps in one process (poll --once, tests)

docs/alerts.md is the operator's and the receiver's view of the same.
"""
