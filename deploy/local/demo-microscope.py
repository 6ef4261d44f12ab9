#!/usr/bin/env python3
"""Adds the demo's bookable resource to the hub, idempotently, for deploy/local/up.sh.

The hub's demo seeder makes no bookable resource, and every seeded door is open to some demo card
by a scheme. So this creates, unless present, at "Demo Campus" (the site edge-1 serves): the door
"Microscope room", which no scheme or grant opens (only a booking does), and the resource
"Demo microscope" (a lab installation) opening that door. Its rules are set on every run: a 1-minute
slot grid and minimum duration (so the demo can book one minute), and early entry and grace 0, so
the door opens exactly for the booked window.

Uses the admin API over gRPC-web like demo-site2.py (whose helpers it loads); the edgeaccess CLI
has no create commands for doors or resources. Prints "RESOURCE_ID DOOR_ID". Reads the admin's name
and password from EdgeAccess__Bootstrap__* in the environment.
"""
import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location("demo_site2", os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo-site2.py"))
grpcweb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(grpcweb)
grpcweb.HUB = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5101"
call, field, parse, items, text = grpcweb.call, grpcweb.field, grpcweb.parse, grpcweb.items, grpcweb.text

SITE, DOOR, RESOURCE = "Demo Campus", "Microscope room", "Demo microscope"
# ResourceRules field numbers (booking.proto) and the values the demo needs.
RULES = {2: 1, 3: 1, 14: 0, 15: 0}  # slot_minutes, min_duration_minutes, early_entry_minutes, grace_minutes


def encode(fields):
    """A parsed message back to bytes: varints stay varints, everything else length-delimited."""
    return b"".join(field(number, value) for number, values in sorted(fields.items()) for value in values)


def main():
    user = os.environ["EdgeAccess__Bootstrap__AdminUsername"]
    password = os.environ["EdgeAccess__Bootstrap__AdminPassword"]
    token = text(parse(call("AuthService/Login", field(1, user) + field(2, password))), 1)

    sites = [s for s in items(call("SiteService/ListSites", field(1, 500) + field(3, SITE), token)) if text(s, 2) == SITE]
    if not sites:
        raise SystemExit(f"site {SITE} is not on the hub (the demo seeder adds it)")
    site_id = text(sites[0], 1)

    doors = [d for d in items(call("SiteService/ListDoors", field(1, 500) + field(3, site_id), token)) if text(d, 3) == DOOR]
    door_id = text(doors[0], 1) if doors else text(parse(call(
        "SiteService/CreateDoor", field(2, field(2, site_id) + field(3, DOOR)), token)), 1)  # direction ENTRY (0)

    resources = [r for r in items(call("BookingService/ListResources", field(1, 500) + field(3, site_id), token)) if text(r, 4) == RESOURCE]
    if resources:
        resource_id = text(resources[0], 1)
    else:
        body = (field(2, site_id) + field(3, 1) + field(4, RESOURCE)
                + field(5, "deploy/local demo: booking it opens the Microscope room at edge-1") + field(7, door_id))
        resource_id = text(parse(call("BookingService/CreateResource", field(1, "demo-microscope") + field(2, body), token)), 1)

    rules = parse(call("BookingService/GetResourceRules", field(1, resource_id), token))
    if any(rules.get(number, [0])[0] != value for number, value in RULES.items()):
        for number, value in RULES.items():
            rules.pop(number, None)
            if value:
                rules[number] = [value]
        rules.pop(19, None)  # update_time: output only
        call("BookingService/UpdateResourceRules", field(1, encode(rules)), token)

    print(resource_id, door_id)


if __name__ == "__main__":
    main()
