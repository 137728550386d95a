"""What the interface says, as a person reads it: counts in proper plural forms (never « (s) »)."""
import re

from lms.authoring import services as authoring
from lms.core.db import commit
from tests.conftest import login_as


def text_of(response) -> str:
    """The visible words of a page, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_removing_a_module_counts_its_items_in_the_right_number(client, make):
    trainer = make.trainer()
    course = authoring.create_course(trainer, "Repérer la souffrance psychique")
    one, two = authoring.add_module(trainer, course, "Comprendre"), authoring.add_module(trainer, course, "Orienter")
    authoring.add_item(trainer, one, "text", "Introduction", body_markdown="Bienvenue.")
    for title in ("Premier", "Second"):
        authoring.add_item(trainer, two, "text", title, body_markdown="Texte.")
    commit()
    login_as(client, trainer)
    assert "Supprimer le module « Comprendre » et son élément ?" in text_of(client.get(f"/edition/modules/{one.id}/supprimer"))
    assert "Supprimer le module « Orienter » et ses 2 éléments ?" in text_of(client.get(f"/edition/modules/{two.id}/supprimer"))
