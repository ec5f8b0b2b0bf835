"""Write a realistic Cadence JSON backup with N tasks (deterministic for a seed and a day).

    python tests/perf/generate.py --tasks 100000 --out /tmp/tasks.json [--seed 7]

About 10% of top-level tasks have 1-6 subtasks; 500 projects (three levels of
nesting) and 1,500 tags, 2,000 in total; dues spread around --today (default: the
real today) in several zones; some recurring, done, cancelled and deleted tasks.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from app.services.backup_check import FORMAT, VERSION  # noqa: E402

VERBS = ("Call", "Email", "Review", "Draft", "Plan", "Buy", "Fix", "Book", "Prepare", "Send",
         "Clean", "Update", "Write", "Read", "Check", "Pay", "Schedule", "Ask", "Finish", "Order")
OBJECTS = ("the quarterly report", "mum", "dentist appointment", "the invoice", "slides for Monday",
           "groceries", "the bike", "flights to Lisbon", "tax return", "team offsite",
           "the landlord", "budget spreadsheet", "release notes", "garden shed", "car insurance",
           "birthday present", "onboarding docs", "the printer", "project proposal", "a haircut",
           "meeting notes", "the backup drive", "conference talk", "kitchen tap", "library books")
EXTRAS = ("", "", "", " before lunch", " for Anna", " again", " (urgent)", " with Tom",
          " – follow up", " and reply", " for the client")
PROJECT_WORDS = ("Home", "Work", "Garden", "Finance", "Travel", "Health", "Reading", "Errands",
                 "Family", "Website", "Launch", "Hiring", "Research", "Studio", "Car", "Kitchen")
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
RULES = ("FREQ=DAILY", "FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO", "FREQ=MONTHLY",
         "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=YEARLY", "FREQ=DAILY;INTERVAL=3")
COLORS = ("#5b8def", "#e5484d", "#30a46c", "#f76b15", "#8e4ec6", "#12a594", "#d6409f", "#ffb224")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


class Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.base = datetime.combine(today, datetime.min.time(), tzinfo=UTC)

    def uid(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def instant(self, days_back: int) -> str:
        offset = self.rng.uniform(0, days_back * 86400.0)
        return stamp(self.base - timedelta(seconds=offset))

    def projects(self, count: int) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for i in range(count):
            level_parents = [p for p in out if p["_depth"] < 2]  # type: ignore[operator]
            parent = self.rng.choice(level_parents) if i >= 100 and level_parents else None
            created = self.instant(700)
            out.append({
                # One word each, so that quick add and filters can name them (#Home, #Car-17).
                "name": PROJECT_WORDS[i] if i < len(PROJECT_WORDS)
                else f"{self.rng.choice(PROJECT_WORDS)}-{i + 1}",
                "color": COLORS[i % len(COLORS)],
                "parent_id": parent["id"] if parent else None,
                "position": float(i + 1), "archived": self.rng.random() < 0.02,
                "id": self.uid(), "created_at": created, "updated_at": created,
                "deleted_at": None,
                "_depth": 0 if parent is None else int(parent["_depth"]) + 1,  # type: ignore[call-overload]
            })
        for row in out:
            del row["_depth"]
        return out

    def tags(self, count: int) -> list[dict[str, object]]:
        out = []
        for i in range(count):
            created = self.instant(700)
            out.append({"name": f"tag{i + 1}", "color": COLORS[(i * 3) % len(COLORS)],
                        "id": self.uid(), "created_at": created, "updated_at": created,
                        "deleted_at": None})
        return out

    def task(self, position: float, project: str | None, parent: str | None,
             tag_ids: list[str], *, deletable: bool = True) -> dict[str, object]:
        rng = self.rng
        ident = self.uid()
        created = self.instant(365)
        roll = rng.random()
        status = ("todo" if roll < 0.70 else "in_progress" if roll < 0.80
                  else "done" if roll < 0.95 else "cancelled")
        due_date = due_at = due_tz = None
        if rng.random() < 0.6:
            day = self.today + timedelta(days=int(rng.triangular(-60, 90, 3)))
            due_date = day.isoformat()
            if rng.random() < 0.3:
                due_tz = rng.choice(ZONES)
                local = datetime(day.year, day.month, day.day, rng.randrange(7, 21),
                                 rng.choice((0, 15, 30, 45)), tzinfo=ZoneInfo(due_tz))
                due_at = stamp(local)
        closed = status in ("done", "cancelled")
        recurring = due_date is not None and not closed and rng.random() < 0.08
        n_tags = rng.choice((0, 0, 0, 1, 1, 2, 3))
        return {
            "ics_uid": f"{ident}@cadence", "project_id": project, "parent_id": parent,
            "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(EXTRAS)}",
            "notes": "" if rng.random() < 0.8 else "Remember to check the details first.",
            "status": status, "priority": rng.choice((1, 2, 3, 3, 4, 4, 4, 4)),
            "due_date": due_date, "due_at": due_at, "due_tz": due_tz,
            "scheduled_date": None,
            "estimate_minutes": rng.choice((None, None, None, 15, 30, 60, 90)),
            "recurrence": rng.choice(RULES) if recurring else None,
            "recur_from_completion": recurring and rng.random() < 0.2,
            "position": position,
            "completed_at": stamp(self.base - timedelta(days=rng.randrange(0, 90)))
            if closed else None,
            "id": ident, "created_at": created, "updated_at": created,
            "deleted_at": stamp(self.base) if deletable and rng.random() < 0.01 else None,
            "tags": sorted(set(rng.sample(tag_ids, n_tags))) if n_tags else [],
        }

    def tasks(self, count: int, projects: list[str], tag_ids: list[str]) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        position = 0.0
        while len(out) < count:
            position += 1.0
            project = None if self.rng.random() < 0.2 else self.rng.choice(projects)
            has_subtasks = self.rng.random() < 0.10
            # A tombstoned task never has live subtasks (deleting tombstones the subtree).
            parent = self.task(position, project, None, tag_ids, deletable=not has_subtasks)
            out.append(parent)
            if has_subtasks:
                for sub in range(self.rng.randint(1, 6)):
                    if len(out) >= count:
                        break
                    out.append(self.task(float(sub + 1), project, str(parent["id"]), tag_ids))
        return out


def generate(n_tasks: int, seed: int, today: date, n_projects: int = 500,
             n_tags: int = 1500) -> dict[str, object]:
    gen = Generator(seed, today)
    projects = gen.projects(n_projects)
    tags = gen.tags(n_tags)
    tasks = gen.tasks(n_tasks, [str(p["id"]) for p in projects], [str(t["id"]) for t in tags])
    return {
        "format": FORMAT, "version": VERSION, "exported": stamp(gen.base),
        "app_version": "generated", "projects": projects, "tags": tags, "tasks": tasks,
        "saved_filters": [], "time_entries": [], "settings": {},
    }


def write(doc: dict[str, object], out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        fh.write("{\n")
        for key, value in doc.items():
            if isinstance(value, list):
                fh.write(f"{json.dumps(key)}: [\n")
                fh.write(",\n".join(json.dumps(row, ensure_ascii=False) for row in value))
                fh.write("\n]")
            else:
                fh.write(f"{json.dumps(key)}: {json.dumps(value)}")
            fh.write(",\n" if key != "settings" else "\n")
        fh.write("}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--tags", dest="n_tags", type=int, default=1500)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    doc = generate(args.tasks, args.seed, args.today, args.projects, args.n_tags)
    write(doc, args.out)
    took = time.perf_counter() - start
    print(f"wrote {args.tasks} tasks to {args.out} in {took:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
