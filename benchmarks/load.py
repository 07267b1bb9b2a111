"""Autosave under load: signed-in users typing in their interviews, against `rehearse serve`,
compared with a bare Flask endpoint doing one single-row UPDATE per request.

    python benchmarks/load.py --users 50 --seconds 30
    python benchmarks/load.py --users 50 --seconds 30 --database-url postgresql://postgres@127.0.0.1:5432/test
    python benchmarks/load.py --capacity --pace 3            # how many typing users one machine holds

Needs wrk (Debian/Ubuntu: apt-get install wrk) and Rehearse installed in this Python. Starts both
servers on free ports of 127.0.0.1 with the same number of gunicorn workers; creates its own
databases (SQLite in a temporary folder, or new databases on the PostgreSQL server of the URL,
dropped at the end). How it works and the figures: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
QUESTIONS = 10  # per interview
MINUTES = 120  # the longest interview: it stays open for the whole run
SENTENCE = "an embedding maps a sentence to a vector so that close meanings land close together "
MAX_SENTENCES = 20  # an answer grows by a sentence a save, up to about 1.7 kB
MARKER = re.compile(r"^\[u(\d+) q(\d+) s(\d+)\] ")
PASSWORD = "a long load-test passphrase, typed by nobody"
FORM_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
MAX_CONNECTIONS = 256  # wrk threads, one connection each
KEEPALIVE_SECONDS = 1.0  # a paced connection sends at least this often, well within gunicorn's keep-alive


def expected_text(user: int, question: int, seq: int) -> str:
    """What load.lua sends as save `seq` of a user's answer to `question`."""
    return f"[u{user} q{question} s{seq}] " + SENTENCE * min(seq, MAX_SENTENCES)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- databases --------------------------------------------------------------------------------


@dataclass
class Databases:
    name: str  # sqlite or postgresql
    app_url: str
    bare_url: str


@contextmanager
def databases(url: str, workdir: Path) -> Iterator[Databases]:
    """Two empty databases, one for Rehearse and one for the bare endpoint."""
    if url == "sqlite":
        yield Databases("sqlite", f"sqlite:///{workdir}/rehearse.db", f"sqlite:///{workdir}/bare.db")
        return
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
    if not base.startswith("postgresql+psycopg://"):
        raise SystemExit(f"--database-url: 'sqlite' or a postgresql:// URL, not {url!r}")
    suffix = uuid.uuid4().hex[:10]
    names = [f"rehearse_load_{suffix}", f"rehearse_bare_{suffix}"]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        app_url, bare_url = (
            sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False) for name in names
        )
        yield Databases("postgresql", app_url, bare_url)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- servers ----------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and workers."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return 0.0
        return sum(process_cpu_seconds(pid) for pid in [self.process.pid, *children])


@contextmanager
def serve(command: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT, cwd=log.parent
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{server.url}/healthz", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{' '.join(command)} did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_environment(**settings: str) -> dict[str, str]:
    """This environment without the shell's Rehearse settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REHEARSE_ENV", "WEB_CONCURRENCY")}
    env.update(settings)
    return env


def process_cpu_seconds(pid: int | str) -> float:
    """CPU time a process has used so far (Linux /proc; 0 elsewhere or when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def database_cpu_seconds(database: str | None) -> float:
    """CPU time used so far by the PostgreSQL backends serving `database` (their process title
    names it); 0 for SQLite, whose work is done inside the server's workers."""
    if not database:
        return 0.0
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f" {database} ".encode() in title:
                total += process_cpu_seconds(entry.name)
    return total


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (Linux /proc/stat; zeros elsewhere)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return 0, 0
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def rehearse_command() -> str:
    beside = Path(sys.executable).with_name("rehearse")
    found = str(beside) if beside.exists() else shutil.which("rehearse")
    if not found:
        raise SystemExit("The `rehearse` command is not installed here: python -m pip install -e .")
    return found


# --- users ------------------------------------------------------------------------------------


@dataclass
class User:
    key: int
    save_prefix: str
    page_prefix: str = "-"
    cookie: str = "-"
    csrf: str = "-"


@dataclass
class Target:
    """One server under load, its database and its signed-in users."""

    kind: str  # rehearse or bare
    server: Server
    engine: sa.Engine
    users: list[User] = field(default_factory=list)
    attempts: dict[int, int] = field(default_factory=dict)  # attempt id -> user key

    def settled(self) -> dict[tuple[int, int], tuple[str, int]]:
        """What the database holds once the requests still in flight when wrk stopped are done."""
        before = self.stored()
        for _ in range(50):
            time.sleep(0.3)
            after = self.stored()
            if after == before:
                break
            before = after
        return before

    def stored(self) -> dict[tuple[int, int], tuple[str, int]]:
        """(user, question number) -> (text, revision) as the database holds them."""
        with self.engine.connect() as conn:
            if self.kind == "bare":
                rows = conn.execute(sa.text("SELECT user_id, number, text, revision FROM bare_answer"))
                return {(u, n): (t, r) for u, n, t, r in rows}
            rows = conn.execute(sa.text("SELECT attempt_id, position, text, revision FROM answer"))
            return {(self.attempts[a], p + 1): (t, r) for a, p, t, r in rows if a in self.attempts}


def add_bare_users(target: Target, count: int) -> None:
    first = len(target.users) + 1
    keys = range(first, first + count)
    with target.engine.begin() as conn:
        conn.execute(
            sa.insert(bare_table()),
            [{"user_id": k, "number": n, "text": "", "revision": 0} for k in keys for n in range(1, QUESTIONS + 1)],
        )
    target.users += [User(k, f"/bare/{k}/") for k in keys]


def bare_table() -> sa.Table:
    from bare import TABLE

    return TABLE


def add_rehearse_users(target: Target, count: int, run: str, env: dict[str, str]) -> None:
    """`count` more users, created in the database (the first through `rehearse users create`, the
    others as copies of it with their own email), each signed in and with an interview started."""
    template = f"load-{run}-0@example.com"
    users = sa.Table("user", sa.MetaData(), autoload_with=target.engine)
    with target.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.email == template)).mappings().first()
    if row is None:
        subprocess.run(
            [rehearse_command(), "users", "create", template],
            input=f"{PASSWORD}\n{PASSWORD}\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
        )
        with target.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.email == template)).mappings().one()
    first = len(target.users) + 1
    keys = list(range(first, first + count))
    copy = {k: v for k, v in row.items() if k not in ("id", "email")}
    with target.engine.begin() as conn:
        conn.execute(sa.insert(users), [{**copy, "email": f"load-{run}-{k}@example.com"} for k in keys])

    def sign_in(key: int) -> User:
        return sign_in_and_start(target.server.url, key, f"load-{run}-{key}@example.com")

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        signed_in = list(pool.map(sign_in, keys))
    print(f"  signed in {count} users and started their interviews in {time.monotonic() - began:.0f} s", flush=True)
    for user in signed_in:
        attempt = int(user.save_prefix.split("/")[2])
        target.attempts[attempt] = user.key
    target.users += signed_in


def sign_in_and_start(base: str, key: int, email: str) -> User:
    """Sign in through the form as a browser does, start an interview, keep the cookie and token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def form_token(path: str) -> str:
        with opener.open(base + path, timeout=60) as page:
            match = FORM_CSRF.search(page.read().decode())
        if not match:
            raise SystemExit(f"no form on {path}")
        return match.group(1)

    def post(path: str, fields: dict[str, object]):
        return opener.open(base + path, data=urllib.parse.urlencode(fields).encode(), timeout=60)

    with post("/auth/login", {"email": email, "password": PASSWORD, "csrf_token": form_token("/auth/login")}) as r:
        if urllib.parse.urlsplit(r.geturl()).path.startswith("/auth/login"):
            raise SystemExit(f"sign-in of {email} failed")
    token = form_token("/attempts/new")
    with post("/attempts/new", {"question_count": QUESTIONS, "minutes": MINUTES, "csrf_token": token}) as r:
        page = r.read().decode()
        started = re.search(r"/attempts/(\d+)/questions/1$", r.geturl())
    csrf = META_CSRF.search(page)
    if not started or not csrf:
        raise SystemExit(f"{email} could not start an interview (ended on {r.geturl()})")
    session = next(c for c in jar if c.name == "session")
    attempt = started.group(1)
    return User(
        key,
        f"/attempts/{attempt}/answers/",
        f"/attempts/{attempt}/questions/",
        f"session={session.value}",
        csrf.group(1),
    )


# --- one run of wrk ---------------------------------------------------------------------------


@dataclass
class Run:
    users: int
    seconds: float
    saves: int  # answered "saved"
    save_ms: list[float]
    page_ms: list[float]
    problems: Counter  # what was not a good answer, by kind
    unanswered: int
    lost: int
    lost_example: str
    client_cpu: float  # cores used by wrk
    server_cpu: float  # cores used by the gunicorn workers
    database_cpu: float = 0.0  # cores used by the PostgreSQL backends of this database
    machine_cpu: float = 0.0  # cores busy on the whole machine: all of the above and anything else
    acked: dict[tuple[int, int], int] = field(default_factory=dict)  # answer -> highest save answered "saved"

    @property
    def rps(self) -> float:
        return self.saves / self.seconds

    @property
    def errors(self) -> int:
        return sum(self.problems.values())

    def p(self, q: float) -> float:
        return percentile(self.save_ms, q)


@dataclass
class Behaviour:
    """How the users type, and over how many connections."""

    pace: float  # seconds between two saves of a user; 0: as soon as the last one is answered
    move_after: int  # saves of an answer before moving to the next question
    connections: int | None  # None: one per user, fewer when paced (see connections_for)
    keep_logs: Path | None  # where to copy wrk's per-connection logs, if anywhere

    def connections_for(self, users: int) -> int:
        if self.connections:
            return min(self.connections, users)
        if self.pace <= 0:
            return min(users, MAX_CONNECTIONS)
        # A paced connection carries a few users, so that it sends often enough to stay open.
        per_connection = max(1, math.floor(self.pace / KEEPALIVE_SECONDS))
        return min(math.ceil(users / per_connection), MAX_CONNECTIONS)


def load(target: Target, users: int, seconds: float, how: Behaviour) -> Run:
    """Run wrk with the first `users` users of `target`, then check every acknowledged save."""
    chosen = target.users[:users]
    stored = target.settled()
    n_connections = how.connections_for(users)
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        out = Path(folder)
        start_question = int(time.time()) % QUESTIONS
        lines = []
        for i, user in enumerate(chosen):
            state = []
            for q in range(1, QUESTIONS + 1):
                text, revision = stored[(user.key, q)]
                marker = MARKER.match(text)
                state.append(f"{revision}:{marker.group(3) if marker else 0}")
            question = (user.key + start_question) % QUESTIONS + 1
            lines.append(
                f"{i % n_connections + 1} {user.key} {user.save_prefix} {user.page_prefix} {user.cookie} "
                f"{user.csrf} {question} {','.join(state)}\n"
            )
        (out / "plan.txt").write_text("".join(lines))
        env = {
            **os.environ,
            "LOAD_PLAN": str(out / "plan.txt"),
            "LOAD_OUT": str(out),
            "LOAD_PACE": str(how.pace),
            "LOAD_MOVE_AFTER": str(how.move_after),
            "LOAD_SENTENCE": SENTENCE,
            "LOAD_MAX_SENTENCES": str(MAX_SENTENCES),
        }
        command = ["wrk", "-t", str(n_connections), "-c", str(n_connections), "-d", f"{seconds:.0f}s"]
        command += ["--timeout", "10s", "-s", str(HERE / "load.lua"), target.server.url]
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = target.server.cpu_seconds()
        database = target.engine.url.database if target.engine.dialect.name == "postgresql" else None
        database_before = database_cpu_seconds(database)
        machine_before = machine_cpu_ticks()
        wrk = subprocess.run(command, env=env, capture_output=True, text=True)
        machine_after = machine_cpu_ticks()
        database_used = database_cpu_seconds(database) - database_before
        server_used = target.server.cpu_seconds() - server_before
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if how.keep_logs:
            shutil.copytree(out, how.keep_logs / f"{target.kind}-{time.strftime('%H%M%S')}-{users}")
        if wrk.returncode != 0 or not (out / "summary.txt").exists():
            raise SystemExit(f"wrk failed:\n{wrk.stdout}\n{wrk.stderr}")
        summary = dict(line.split() for line in (out / "summary.txt").read_text().splitlines())
        run = read_logs(out, users, int(summary["duration_us"]) / 1e6)
    for name in ("connect", "read", "write", "timeout"):
        if int(summary[f"errors_{name}"]):
            run.problems[f"socket {name}"] += int(summary[f"errors_{name}"])
    run.client_cpu = (
        client_after.ru_utime + client_after.ru_stime - client_before.ru_utime - client_before.ru_stime
    ) / run.seconds
    run.server_cpu = server_used / run.seconds
    run.database_cpu = database_used / run.seconds
    busy, total = (after - before for after, before in zip(machine_after, machine_before, strict=True))
    run.machine_cpu = busy / total * (os.cpu_count() or 1) if total else 0.0
    check(target, run)
    return run


def read_logs(out: Path, users: int, seconds: float) -> Run:
    run = Run(users, seconds, 0, [], [], Counter(), 0, 0, "", 0.0, 0.0)
    for log in out.glob("connection-*.log"):
        for line in log.read_text().splitlines():
            f = line.split()
            if f[0] == "X":
                run.unanswered += 1
                continue
            kind, status, outcome, latency_us, lag_us, user, question, seq = f
            ms = (int(latency_us) + int(lag_us)) / 1000  # from when it was due, not only from when it left
            if kind == "P":
                run.page_ms.append(ms)
                if outcome != "page":
                    run.problems[f"page {status}"] += 1
            elif outcome == "saved":
                run.saves += 1
                run.save_ms.append(ms)
                key = (int(user), int(question))
                run.acked[key] = max(run.acked.get(key, 0), int(seq))
            else:
                run.save_ms.append(ms)
                run.problems[f"save {status} {outcome}"] += 1
    return run


def check(target: Target, run: Run) -> None:
    """Every save answered "saved" is in the database: each answer holds the text of its highest
    acknowledged save, or of a later one."""
    stored = target.settled()
    for (user, question), seq in run.acked.items():
        text, _revision = stored.get((user, question), ("", 0))
        marker = MARKER.match(text)
        if not (
            marker
            and (int(marker.group(1)), int(marker.group(2))) == (user, question)
            and int(marker.group(3)) >= seq
            and text == expected_text(user, question, int(marker.group(3)))
        ):
            run.lost += 1
            run.lost_example = run.lost_example or f"user {user} question {question}: acknowledged save {seq}"


def describe(run: Run) -> str:
    return (
        f"users={run.users} rps={run.rps:.1f} p50_ms={run.p(50):.1f} p99_ms={run.p(99):.1f} "
        f"errors={run.errors} lost={run.lost}"
    )


EXCEPTION = re.compile(r"^[\w.]*(Error|Exception)\b.*")


def server_errors(server: Server) -> str:
    """The exceptions a server logged (a 5xx says little without them), each once."""
    found = dict.fromkeys(m.group(0)[:200] for m in map(EXCEPTION.match, server.log.read_text().splitlines()) if m)
    return "".join(f"\n    server log: {line}" for line in list(found)[-3:])


def details(run: Run) -> str:
    other = run.machine_cpu - run.client_cpu - run.server_cpu - run.database_cpu
    parts = [
        f"client_cpu={run.client_cpu:.2f} server_cpu={run.server_cpu:.2f} database_cpu={run.database_cpu:.2f} "
        f"other_cpu={max(other, 0):.2f} machine_cpu={run.machine_cpu:.2f}"
    ]
    if run.saves:  # steadier than the rates when other work shares the machine
        parts.append(f"server_cpu_ms_per_save={run.server_cpu * 1000 / run.rps:.2f}")
    if run.page_ms:
        parts.append(
            f"pages={len(run.page_ms)} page_p50_ms={percentile(run.page_ms, 50):.1f} "
            f"page_p99_ms={percentile(run.page_ms, 99):.1f}"
        )
    if run.problems:
        parts.append("problems: " + ", ".join(f"{k} ×{v}" for k, v in run.problems.most_common()))
    if run.unanswered:
        parts.append(f"unanswered={run.unanswered}")
    if run.lost:
        parts.append(f"first lost: {run.lost_example}")
    return " ".join(parts)


# --- the two modes ----------------------------------------------------------------------------


def measure_database(args: argparse.Namespace, url: str) -> str:
    """The bare endpoint and Rehearse on one database, both servers up, measured in turns
    (`--rounds`); returns the summary line."""
    with tempfile.TemporaryDirectory(prefix="rehearse-load-") as folder, databases(url, Path(folder)) as dbs:
        work = Path(folder)
        print(f"{dbs.name}: {args.workers} workers, {args.users} users, {args.seconds:.0f} s", flush=True)
        with ExitStack() as stack:
            run_id = uuid.uuid4().hex[:8]
            env = server_environment(
                DATABASE_URL=dbs.app_url,
                SECRET_KEY=secrets.token_hex(32),
                REHEARSE_INSTANCE_PATH=str(work / "instance"),
            )
            command = [rehearse_command(), "serve", "--workers", str(args.workers)]
            rehearse = Target(
                "rehearse",
                stack.enter_context(serve(command, env, work / "rehearse.log")),
                engine_of(stack, dbs.app_url),
            )
            if args.capacity:
                return find_capacity(args, dbs.name, rehearse, run_id, env)
            bare_engine = engine_of(stack, dbs.bare_url)
            bare_table().create(bare_engine)
            command = [sys.executable, str(HERE / "bare.py"), "--database-url", dbs.bare_url]
            command += ["--workers", str(args.workers)]
            bare = Target(
                "bare", stack.enter_context(serve(command, server_environment(), work / "bare.log")), bare_engine
            )
            add_bare_users(bare, args.users)
            add_rehearse_users(rehearse, args.users, run_id, env)
            for target in (bare, rehearse):
                warm_up(args, target)
            rounds = []
            for number in range(args.rounds):
                # Turns change sides each round, so that a drift in the machine's speed touches both alike.
                order = (bare, rehearse) if number % 2 == 0 else (rehearse, bare)
                runs = {target.kind: load(target, args.users, args.seconds, behaviour(args)) for target in order}
                for target in order:
                    result = runs[target.kind]
                    print(
                        f"  round {number + 1} {target.kind} db={dbs.name} {describe(result)} {details(result)}"
                        f"{server_errors(target.server)}",
                        flush=True,
                    )
                rounds.append((runs["bare"], runs["rehearse"]))
        return summary(dbs.name, rounds)


def engine_of(stack: ExitStack, url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    stack.callback(engine.dispose)
    return engine


def summary(db: str, rounds: list[tuple[Run, Run]]) -> str:
    """The summary line: each figure the median of the rounds', errors and lost saves summed."""
    ratios = [ours.rps / bare.rps for bare, ours in rounds]
    if len(rounds) > 1:
        print(f"  ratios by round: {' '.join(f'{r:.2f}' for r in ratios)}", flush=True)
    ours = [run for _bare, run in rounds]
    return (
        f"autosave db={db} users={ours[0].users} rps={median(r.rps for r in ours):.1f} "
        f"p50_ms={median(r.p(50) for r in ours):.1f} p99_ms={median(r.p(99) for r in ours):.1f} "
        f"errors={sum(r.errors for r in ours)} lost={sum(r.lost for r in ours)} "
        f"baseline_rps={median(bare.rps for bare, _ours in rounds):.1f} ratio={median(ratios):.2f}"
    )


def behaviour(args: argparse.Namespace) -> Behaviour:
    return Behaviour(args.pace, args.move_after, args.connections, args.keep_logs)


def warm_up(args: argparse.Namespace, target: Target, users: int | None = None) -> None:
    """A few seconds of the same load first, so that the measured run meets warm workers and
    database connections (a pool grows, and its new connections prepare their statements, when
    more users arrive)."""
    if args.warmup > 0:
        run = load(target, users or len(target.users), args.warmup, behaviour(args))
        if run.lost:
            print(f"  warm-up lost saves: {run.lost_example}", flush=True)


def find_capacity(args: argparse.Namespace, db: str, target: Target, run_id: str, env: dict[str, str]) -> str:
    """The most typing users (one save every --pace seconds each) served with p99 under the target,
    no error and no lost save, with the saves keeping up with the pace: double until it fails,
    then halve the interval between the last number that held and the first that did not."""
    pace = args.pace
    held: tuple[int, Run] | None = None
    low, high = 0, None
    users = args.users
    while True:
        if len(target.users) < users:
            add_rehearse_users(target, users - len(target.users), run_id, env)
        warm_up(args, target, users)
        run = load(target, users, args.seconds, behaviour(args))
        offered = users / pace
        ok = run.errors == 0 and run.lost == 0 and run.p(99) < args.p99_ms and run.rps >= 0.9 * offered
        print(
            f"  step db={db} pace_s={pace:g} {describe(run)} offered_rps={offered:.1f} held={'yes' if ok else 'no'} "
            f"{details(run)}{server_errors(target.server)}",
            flush=True,
        )
        if ok:
            low = users
            held = (users, run)
        else:
            high = users
        if high is None:
            if users >= args.max_users:
                break
            users = min(users * 2, args.max_users)
        else:
            if high - low <= max(10, low // 10):
                break
            users = (low + high) // 2
    if held is None:
        return f"capacity db={db} pace_s={pace:g} users=0 (even {high} users were too many)"
    users, run = held
    return f"capacity db={db} pace_s={pace:g} p99_target_ms={args.p99_ms:g} {describe(run)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="signed-in users (capacity: the first step)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each measured run")
    parser.add_argument(
        "--database-url",
        action="append",
        help="'sqlite' (default) or a PostgreSQL server's URL; repeat to measure several",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of both servers")
    parser.add_argument(
        "--pace", type=float, default=0, help="seconds between two saves of a user (0: as soon as answered)"
    )
    parser.add_argument("--move-after", type=int, default=20, help="saves of an answer before the next question")
    parser.add_argument("--connections", type=int, help="connections (default: one per user, fewer when paced)")
    parser.add_argument("--rounds", type=int, default=3, help="measured runs of each server, in turns")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before measuring")
    parser.add_argument("--capacity", action="store_true", help="find how many paced users hold the p99 target")
    parser.add_argument("--p99-ms", type=float, default=100, help="capacity: the p99 target")
    parser.add_argument("--max-users", type=int, default=4000, help="capacity: stop growing here")
    parser.add_argument("--keep-logs", type=Path, help="copy wrk's per-connection logs into this folder")
    args = parser.parse_args()
    # Stopped from outside: stop the servers and drop the databases on the way out, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    if args.rounds < 1:
        parser.error("--rounds: at least 1")
    if args.capacity and not args.pace:
        args.pace = 3.0
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    lines = [measure_database(args, url) for url in args.database_url or ["sqlite"]]
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
