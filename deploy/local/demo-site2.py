#!/usr/bin/env python3
"""Adds the demo's second site to the hub, idempotently, for deploy/local/up.sh.

The hub's demo seeder creates one site ("Demo Campus"); issue 4's demo needs two, one per edge
node. The edgeaccess CLI has no create commands for sites, doors, schedules or grants yet, so this
uses the admin API directly: gRPC-web (PROTOCOL-WEB) on the hub's HTTP/1.1 port, with the few
protobuf messages it needs encoded by hand (Python standard library only).

Creates, unless present: site "North Lab" (Europe/Berlin), its door "North Lab door", its schedule
"Always" (every day 00:00-24:00, holidays ignored), and direct grants for Ada Lovelace at that door
and, with the seeded "Always" schedule, at Demo Campus's "Main entrance".
Prints "SITE_ID DOOR_ID". Reads the admin's name and password from EdgeAccess__Bootstrap__* in the
environment (deploy/local/up.sh exports .run/secrets.env).
"""
import os
import struct
import sys
import urllib.parse
import urllib.request

HUB = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5101"
SITE, DOOR, SCHEDULE, HOLDER = "North Lab", "North Lab door", "Always", "Ada Lovelace"


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, value):
    """A protobuf field: int (varint), bool, str or bytes (length-delimited: strings and messages)."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint((number << 3) | 2) + varint(len(value)) + value


def parse(data):
    """A message's fields as {number: [values]}; length-delimited values stay bytes."""
    fields, i = {}, 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(data, i)
        elif wire == 2:
            size, i = read_varint(data, i)
            value, i = data[i:i + size], i + size
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def read_varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def text(fields, number):
    return fields.get(number, [b""])[0].decode()


def call(method, body, token=None):
    """One unary call over gRPC-web; answers the response message's bytes."""
    headers = {"content-type": "application/grpc-web+proto", "x-grpc-web": "1"}
    if token:
        headers["authorization"] = "Bearer " + token
    request = urllib.request.Request(f"{HUB}/edgeaccess.v1.{method}", data=b"\0" + struct.pack(">I", len(body)) + body,
                                     headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        data, status = response.read(), response.headers.get("grpc-status")
    message, trailers, i = b"", {}, 0
    while i + 5 <= len(data):
        flag, size = data[i], struct.unpack(">I", data[i + 1:i + 5])[0]
        chunk, i = data[i + 5:i + 5 + size], i + 5 + size
        if flag & 0x80:
            for line in chunk.decode().split("\r\n"):
                if ":" in line:
                    k, v = line.split(":", 1)
                    trailers[k.strip().lower()] = v.strip()
        else:
            message = chunk
    status = trailers.get("grpc-status", status or "0")
    if status != "0":
        raise SystemExit(f"{method}: grpc-status {status}: {urllib.parse.unquote(trailers.get('grpc-message', ''))}")
    return message


def items(response):
    return [parse(m) for m in parse(response).get(1, [])]


def grant(token, person_id, door_id, schedule_id):
    """A direct grant of the door to the person on the schedule, unless they have one there."""
    if not items(call("GrantService/ListDirectGrants", field(1, 500) + field(3, person_id) + field(4, door_id), token)):
        body = field(2, person_id) + field(3, door_id) + field(4, schedule_id) + field(8, "demo: issue 4 edge scenario")
        call("GrantService/CreateDirectGrant", field(2, body), token)


def main():
    user = os.environ["EdgeAccess__Bootstrap__AdminUsername"]
    password = os.environ["EdgeAccess__Bootstrap__AdminPassword"]
    token = text(parse(call("AuthService/Login", field(1, user) + field(2, password))), 1)

    sites = [s for s in items(call("SiteService/ListSites", field(1, 500) + field(3, SITE), token)) if text(s, 2) == SITE]
    site_id = text(sites[0], 1) if sites else text(parse(call(
        "SiteService/CreateSite", field(2, field(2, SITE) + field(3, "Europe/Berlin")), token)), 1)

    doors = [d for d in items(call("SiteService/ListDoors", field(1, 500) + field(3, site_id), token)) if text(d, 3) == DOOR]
    door_id = text(doors[0], 1) if doors else text(parse(call(
        "SiteService/CreateDoor", field(2, field(2, site_id) + field(3, DOOR) + field(4, 2)), token)), 1)

    schedules = [s for s in items(call("ScheduleService/ListSchedules", field(1, 500) + field(3, site_id), token)) if text(s, 3) == SCHEDULE]
    if schedules:
        schedule_id = text(schedules[0], 1)
    else:
        weekly = b"".join(field(4, field(1, day) + field(2, 0) + field(3, 1440)) for day in range(1, 8))
        schedule_id = text(parse(call("ScheduleService/CreateSchedule",
                                      field(2, field(2, site_id) + field(3, SCHEDULE) + weekly + field(7, True)), token)), 1)

    people = [p for p in items(call("PersonService/ListPeople", field(1, 500) + field(3, HOLDER), token)) if text(p, 2) == HOLDER]
    if not people:
        raise SystemExit(f"{HOLDER} is not on the hub (the demo seeder adds her)")
    person_id = text(people[0], 1)
    grant(token, person_id, door_id, schedule_id)

    # Ada also at the first site's main entrance at any hour, so the demo's taps are granted
    # whatever the time of day (the seeded schemes give her office hours only).
    main_site = [s for s in items(call("SiteService/ListSites", field(1, 500) + field(3, "Demo Campus"), token)) if text(s, 2) == "Demo Campus"]
    if main_site:
        main_id = text(main_site[0], 1)
        entrance = [d for d in items(call("SiteService/ListDoors", field(1, 500) + field(3, main_id), token)) if text(d, 3) == "Main entrance"]
        always = [s for s in items(call("ScheduleService/ListSchedules", field(1, 500) + field(3, main_id), token)) if text(s, 3) == "Always"]
        if entrance and always:
            grant(token, person_id, text(entrance[0], 1), text(always[0], 1))

    print(site_id, door_id)


if __name__ == "__main__":
    main()
