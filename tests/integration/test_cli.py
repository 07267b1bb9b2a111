"""The `rehearse` commands, run against the test database."""

from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Category, Question, User
from app.question_files import CategoryData, QuestionData, dump

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEED = Path(__file__).resolve().parents[2] / "seed" / "questions"


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Category.id))),
            db.session.scalar(sa.select(sa.func.count(Question.id))),
        )


def plain_guide(questions: list[Question]) -> str:
    """A document in the plain-text interview-guide layout, prose around the questions included."""
    lines = ["So you have an interview coming up", "Here is how to prepare for it, with answers.", "Questions"]
    for number, q in enumerate(questions, 1):
        lines += [f"Question {number}", q.prompt, "Answer:", " ".join(q.reference_answer.split())]
    lines += ["Duties of the Role", "You will build and ship models.", "Skills You Need", "Python, maths."]
    return "\n".join(lines) + "\n"


def test_importing_a_plain_guide_twice_gives_its_questions_once(app, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(SEED / "01-embedding-foundations.toml")])
    with app.app_context():
        source = db.session.scalars(sa.select(Question).order_by(Question.id)).all()
        guide = plain_guide(source)
        db.session.execute(sa.delete(Question))
        db.session.execute(sa.delete(Category))
        db.session.commit()
    path = tmp_path / "guide.txt"
    path.write_text(guide)

    first = runner.invoke(args=["questions", "import", str(path), "--category", "Interview guide"])
    assert first.exit_code == 0, first.output
    assert f"{len(source)} added, 0 changed, 0 unchanged" in first.output
    second = runner.invoke(args=["questions", "import", str(path), "--category", "Interview guide"])
    assert f"0 added, 0 changed, {len(source)} unchanged" in second.output
    assert counts(app) == (1, len(source))
    with app.app_context():
        imported = db.session.scalars(sa.select(Question).order_by(Question.position)).all()
        assert [q.prompt for q in imported] == [q.prompt for q in source]
        assert imported[0].reference_answer == " ".join(source[0].reference_answer.split())
        assert imported[0].category.name == "Interview guide"


def test_a_malformed_file_is_refused_whole_and_names_the_line(app, runner, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("Question 1\nWhat?\nAnswer:\nThis.\nQuestion 2\nWhy?\nQuestion 3\nHow?\nAnswer:\nSo.\n")
    result = runner.invoke(args=["questions", "import", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported. bad.txt, line 5: Question 2 has no 'Answer:' line" in result.output
    assert counts(app) == (0, 0)


def test_a_change_to_a_question_updates_it_in_place(app, runner, tmp_path):
    bank = [CategoryData("c", "C", questions=[QuestionData("q", "Old?", "Old answer.", ["a", "b", "c"])])]
    path = tmp_path / "bank.toml"
    path.write_text(dump(bank))
    runner.invoke(args=["questions", "import", str(path)])
    bank[0].questions[0].prompt = "New?"
    path.write_text(dump(bank))
    result = runner.invoke(args=["questions", "import", str(path)])
    assert "0 added, 1 changed, 0 unchanged" in result.output
    with app.app_context():
        assert db.session.scalars(sa.select(Question.prompt)).all() == ["New?"]


def test_export_then_import_into_an_empty_database_gives_the_same_bank(app, runner, tmp_path, backend):
    for path in sorted(SEED.glob("*.toml"))[:3]:
        assert runner.invoke(args=["questions", "import", str(path)]).exit_code == 0
    for fmt in ("toml", "json"):
        exported = runner.invoke(args=["questions", "export", "--format", fmt])
        assert exported.exit_code == 0
        out = tmp_path / f"bank.{fmt}"
        out.write_text(exported.output)
        with app.app_context():
            before = _snapshot()
            db.session.execute(sa.delete(Question))
            db.session.execute(sa.delete(Category))
            db.session.commit()
        result = runner.invoke(args=["questions", "import", str(out)])
        assert result.exit_code == 0, result.output
        with app.app_context():
            assert _snapshot() == before


def _snapshot():
    rows = db.session.execute(
        sa.select(
            Category.slug,
            Category.name,
            Question.slug,
            Question.prompt,
            Question.reference_answer,
            Question.key_points,
            Question.difficulty,
            Question.tags,
            Question.position,
        )
        .join(Question)
        .order_by(Category.position, Question.position)
    ).all()
    return [tuple(r) for r in rows]


def test_users_create_reads_the_password_twice_from_a_pipe(app, runner):
    result = runner.invoke(
        args=["users", "create", "admin@example.com", "--admin"],
        input="a long enough passphrase\na long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator admin@example.com." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.email, user.is_admin) == ("admin@example.com", True)


def test_users_create_refuses_a_weak_password_or_a_taken_email(app, runner):
    common = runner.invoke(args=["users", "create", "a@example.com"], input="password\npassword\n")
    assert common.exit_code == 1
    assert "Error: Password: This is a top-10 common password." in common.output
    short = runner.invoke(args=["users", "create", "a@example.com"], input="short\nshort\n")
    assert "Use 8 to 128 characters." in short.output
    good = "a long enough passphrase\n" * 2
    runner.invoke(args=["users", "create", "a@example.com"], input=good)
    taken = runner.invoke(args=["users", "create", "A@example.com"], input=good)
    assert "already exists" in taken.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


HOSTILE_FILES = {
    "deep.json": ('{"categories": ' + "[" * 10_000 + "]" * 10_000 + "}", "line 1: values are nested more than 20"),
    "text-category.toml": ('category = "search"\n', "line 1: 'category' must be a table"),
    "nul.txt": ("Question 1\nWhat\x00?\nAnswer:\nThis.\n", "line 1: Question 1: the prompt contains a NUL character"),
    "long.toml": ('[category]\nslug = "c"\nname = "' + "n" * 500 + '"\n', "the category's name has 500 characters"),
    "described.json": (
        '{"category": {"slug": "c", "name": "C", "description": {"a": 1}},\n"questions": [{"slug": "q", '
        '"prompt": "P?", "answer": "A.", "key_points": ["k"]}]}',
        "'description' must be text, not a table",
    ),
    "twice.toml": (
        '[[categories]]\nslug = "c"\nname = "C"\n[[categories.questions]]\nslug = "a"\nprompt = "P?"\nanswer = "A."\n'
        'key_points = ["k"]\n[[categories]]\nslug = "c"\nname = "D"\n[[categories.questions]]\nslug = "b"\n'
        'prompt = "Q?"\nanswer = "B."\nkey_points = ["k"]\n',
        "line 9: category slug 'c' is used twice (first on line 1)",
    ),
}


def test_hostile_files_are_refused_whole_with_the_line(app, runner, tmp_path):
    for name, (text, message) in HOSTILE_FILES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(args=["questions", "import", str(path)])
        assert result.exit_code == 1, name
        assert "Nothing was imported." in result.output and message in result.output, (name, result.output)
    big = tmp_path / "big.txt"
    big.write_text("Question 1\n" + "x" * 20_000_000 + "\nAnswer:\nA.\n")
    result = runner.invoke(args=["questions", "import", str(big)])
    assert result.exit_code == 1 and "the limit is 1,000,000" in result.output
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffprompt,answer\nWhat?,This.\n".encode())
    assert runner.invoke(args=["questions", "import", str(bom), "--dry-run"]).exit_code == 0
    assert counts(app) == (0, 0)


def test_a_question_that_moves_category_is_named_and_a_dry_run_writes_nothing(app, runner, tmp_path):
    first = [CategoryData("a", "A", questions=[QuestionData("q", "Q?", "Yes.", ["yes"])]), CategoryData("b", "B")]
    first[1].questions.append(QuestionData("other", "Other?", "No.", ["no"]))
    path = tmp_path / "bank.toml"
    path.write_text(dump(first))
    assert runner.invoke(args=["questions", "import", str(path)]).exit_code == 0
    first[1].questions.append(first[0].questions.pop())
    first[0].questions.append(QuestionData("new", "New?", "Yes.", ["yes"]))
    path.write_text(dump(first))
    dry = runner.invoke(args=["questions", "import", str(path), "--dry-run"])
    assert "question q: moved from 'A'" in dry.output
    assert "Dry run of bank.toml: 1 added, 1 changed, 1 unchanged; nothing was written." in dry.output
    assert counts(app) == (2, 2)
    done = runner.invoke(args=["questions", "import", str(path)])
    assert "Imported bank.toml: 1 added, 1 changed, 1 unchanged." in done.output
    with app.app_context():
        moved = db.session.scalar(sa.select(Question).where(Question.slug == "q"))
        assert moved.category.slug == "b"


def test_every_format_exports_and_imports_through_the_cli(app, runner, tmp_path):
    for path in sorted(SEED.glob("*.toml"))[:2]:
        assert runner.invoke(args=["questions", "import", str(path)]).exit_code == 0
    with app.app_context():
        before = _snapshot()
    # The plain layout has no categories of its own: the one named on the command line takes them.
    for fmt, ext, extra in (
        ("csv", "csv", []),
        ("markdown", "md", []),
        ("json", "json", []),
        ("plain", "txt", ["--category", "Embedding foundations"]),
    ):
        if fmt == "plain":
            with app.app_context():
                db.session.execute(sa.delete(Question).where(Question.category_id != 1))
                db.session.execute(sa.delete(Category).where(Category.id != 1))
                db.session.commit()
                before = _snapshot()
        exported = runner.invoke(args=["questions", "export", "--format", fmt])
        out = tmp_path / f"bank.{ext}"
        out.write_text(exported.output)
        result = runner.invoke(args=["questions", "import", str(out), *extra])
        assert result.exit_code == 0, (fmt, result.output)
        assert "0 added, 0 changed" in result.output, (fmt, result.output)
        with app.app_context():
            assert _snapshot() == before


def test_the_seed_bank_loads_only_into_an_empty_database(app):
    from app.services.bank import load_seed_if_empty

    with app.app_context():
        first = load_seed_if_empty(SEED)
        assert first is not None and len(first.added) == counts(app)[1] > 0
        assert load_seed_if_empty(SEED) is None


def test_export_writes_a_file_when_asked(app, runner, tmp_path):
    assert runner.invoke(args=["questions", "import", str(SEED / "01-embedding-foundations.toml")]).exit_code == 0
    out = tmp_path / "bank.toml"
    result = runner.invoke(args=["questions", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _, questions = counts(app)
    assert f"Wrote {questions} questions to {out}." in result.output
    assert out.read_text(encoding="utf-8").count("[[categories.questions]]") == questions
