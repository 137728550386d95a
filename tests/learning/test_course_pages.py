"""The learner's pages: catalogue, course page (what French training law asks to state), item pages."""
import re
from html import unescape

import pytest

from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED, Choice, Course, Item, Module, Question, Quiz
from lms.core.db import commit
from lms.core.markdown import render_markdown
from lms.extensions import db
from tests.conftest import login_as, post_form
from tests.learningtools import page, statements
from tests.videotools import ready_video

SUPPORT = {"contact": "Coordination du CLSM de Metz", "response_time": "2 jours ouvrés",
           "technical": "Aide à la connexion.", "pedagogical": "Questions sur le contenu."}


def full_course(owner, *, status=PUBLISHED, prerequisites=None, slug="parcours-complet") -> Course:
    """Two modules: a video (with a content note), a text with hostile HTML, a quiz; all fields set."""
    video = ready_video(owner)
    video.transcript = "*Anne Martin, psychologue*\n\n**Accueil**\n\nBonjour à toutes et à tous.\n\n<script>alert('t')</script>"
    video.speakers = "Anne Martin, psychologue"
    course = Course(slug=slug, title="Sensibilisation santé mentale", summary="Deux heures pour comprendre.",
                    objectives=["Repérer les signes d'alerte.", "Orienter vers le 3114."], duration_minutes=95,
                    prerequisites=prerequisites, audience_note="Élu·es et agent·es de la ville.",
                    remote_activities=[{"title": "Vidéos sous-titrées", "minutes": 20},
                                       {"title": "Quiz d'entraînement", "minutes": 75}],
                    support=SUPPORT, assessment="Un quiz noté à 60 %.", status=status,
                    owner_id=owner.id if owner else None)
    first = Module(course=course, key="m1", title="Repérer", position=0)
    Item(module=first, key="video", kind="video", title="En vidéo : repérer", position=0, video=video,
         estimated_minutes=2, content_note="Cette partie aborde le suicide.")
    Item(module=first, key="texte", kind="text", title="Les signes d'alerte", position=1, required=False,
         estimated_minutes=10,
         body_markdown="## Repères\n\nÉcouter **sans juger**.\n\n<script>alert('x')</script>\n\n"
                       "<a href=\"javascript:alert(1)\" onclick=\"steal()\">lien</a>\n")
    second = Module(course=course, key="m2", title="Vérifier", position=1)
    quiz_item = Item(module=second, key="quiz", kind="quiz", title="Quiz : repérer", position=0, estimated_minutes=5)
    quiz_item.quiz = Quiz(role="graded", pass_mark=60, max_attempts=3, questions=[
        Question(position=0, kind="single", prompt="Que faire face à une personne en crise ?",
                 explanation="Idée reçue : il ne faut pas en parler. Réalité : demander aide.",
                 choices=[Choice(position=0, text="Écouter et orienter", correct=True, feedback="Oui, bravo."),
                          Choice(position=1, text="Changer de sujet", correct=False, feedback="Non, hélas.")]),
    ])
    db.session.add(course)
    commit()
    return course


def items(course):
    return {item.key: item for item in course.items()}


def test_catalogue_lists_published_courses_and_staff_drafts(app, client, make):
    trainer, other_trainer, learner = make.trainer(), make.trainer(), make.learner()
    published = full_course(trainer)
    draft = authoring.create_course(trainer, "Parcours en préparation", summary="Bientôt.", duration_minutes=30)
    commit()
    html = page(login_as(client, learner), "/formations")
    assert published.title in html and "Deux heures pour comprendre." in html and "1\u00a0h\u00a035\u00a0min" in html
    assert draft.title not in html and "Brouillon" not in html
    html = page(login_as(app.test_client(), trainer), "/formations")
    assert draft.title in html and "Brouillon" in html and published.title in html
    assert draft.title not in page(login_as(app.test_client(), other_trainer), "/formations")
    assert draft.title in page(login_as(app.test_client(), make.coordinator()), "/formations")


def test_anonymous_is_sent_to_sign_in(client, make):
    course = full_course(make.trainer())
    for path in ("/formations", f"/formations/{course.id}", f"/formations/{course.id}/elements/{course.items()[0].id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_course_page_states_everything_before_enrolment(client, make):
    course = full_course(make.trainer())
    html = unescape(page(login_as(client, make.learner()), f"/formations/{course.id}"))
    for text in ("Sensibilisation santé mentale", "Deux heures pour comprendre.", "Élu·es et agent·es de la ville.",
                 "Repérer les signes d'alerte.", "Orienter vers le 3114.", "1\u00a0h\u00a035\u00a0min", "Aucun prérequis",
                 "Vidéos sous-titrées", "20\u00a0min", "Quiz d'entraînement", "1\u00a0h\u00a015\u00a0min",
                 "Coordination du CLSM de Metz", "2 jours ouvrés", "Aide à la connexion.", "Questions sur le contenu.",
                 "Un quiz noté à 60 %.", "Objectifs opérationnels", "Durée déclarée", "Prérequis",
                 "Activités à distance et durée estimée", "Délai de réponse", "Modalités d'évaluation"):
        assert text in html, text
    assert "Aperçu — brouillon" not in html


def test_course_page_states_the_prerequisites_when_there_are_some(client, make):
    course = full_course(make.trainer(), prerequisites="Avoir suivi la séance d'accueil.")
    html = page(login_as(client, make.learner()), f"/formations/{course.id}")
    assert "Avoir suivi la séance d&#39;accueil." in html and "Aucun prérequis" not in html


def test_outline_lists_modules_and_items_in_order_with_kind_requirement_and_duration(client, make):
    course = full_course(make.trainer())
    html = page(login_as(client, make.learner()), f"/formations/{course.id}")
    outline = html[html.index('id="outline"'):]
    positions = [outline.index(text) for text in ("Repérer", "En vidéo : repérer", "Les signes d&#39;alerte",
                                                  "Vérifier", "Quiz : repérer")]
    assert positions == sorted(positions)
    by_key = items(course)
    for key in ("video", "texte", "quiz"):
        assert f'href="/formations/{course.id}/elements/{by_key[key].id}"' in outline
    video_line = re.search(r"En vidéo : repérer</a>(.*?)</li>", outline, re.S).group(1)
    assert "vidéo" in video_line and "obligatoire" in video_line and "durée de la vidéo : 2\u00a0s" in video_line
    text_line = re.search(r"Les signes d&#39;alerte</a>(.*?)</li>", outline, re.S).group(1)
    assert "texte" in text_line and "facultatif" in text_line and "10\u00a0min" in text_line
    quiz_line = re.search(r"Quiz : repérer</a>(.*?)</li>", outline, re.S).group(1)
    assert "questionnaire" in quiz_line and "obligatoire" in quiz_line


@pytest.mark.parametrize("who", ["learner", "other_trainer"])
def test_a_draft_does_not_exist_for_learners_nor_other_trainers(client, make, who):
    owner = make.trainer()
    course = full_course(owner, status="draft")
    viewer = make.learner() if who == "learner" else make.trainer()
    login_as(client, viewer)
    page(client, f"/formations/{course.id}", 404)
    page(client, f"/formations/{course.id}/elements/{course.items()[0].id}", 404)


@pytest.mark.parametrize("who", ["owner", "coordinator"])
def test_a_draft_is_previewed_by_its_editors(client, make, who):
    owner = make.trainer()
    course = full_course(owner, status="draft")
    login_as(client, owner if who == "owner" else make.coordinator())
    html = page(client, f"/formations/{course.id}")
    assert "Aperçu — brouillon" in html and "Aucun prérequis" in html
    assert "Aperçu — brouillon" in page(client, f"/formations/{course.id}/elements/{items(course)['texte'].id}")


def test_an_item_of_another_course_is_not_found(client, make):
    trainer = make.trainer()
    course = full_course(trainer)
    other = full_course(trainer, slug="autre-parcours")
    login_as(client, make.learner())
    page(client, f"/formations/{course.id}/elements/{other.items()[0].id}", 404)
    page(client, f"/formations/{course.id}/elements/999999", 404)
    page(client, "/formations/999999", 404)


def test_video_item_has_an_accessible_player_and_the_transcript(client, make):
    course = full_course(make.trainer())
    item = items(course)["video"]
    html = page(login_as(client, make.learner()), f"/formations/{course.id}/elements/{item.id}")
    video_tag = re.search(r"<video\b[^>]*>", html).group(0)
    assert "controls" in video_tag and 'preload="metadata"' in video_tag and "playsinline" in video_tag
    assert "autoplay" not in html
    assert f'poster="/media/videos/{item.video_id}/poster.jpg?' in video_tag  # signed for the viewer
    assert re.search(rf'<source src="/media/videos/{item.video_id}/stream\.mp4\?[^"]+" type="video/mp4">', html)
    track = re.search(r"<track\b[^>]*>", html).group(0)
    assert 'kind="captions"' in track and 'srclang="fr"' in track and 'label="Français"' in track
    assert f'src="/media/videos/{item.video_id}/captions/fr.vtt?' in track and re.search(r"\sdefault\b", track)
    assert "<h1>En vidéo : repérer</h1>" in html and "Anne Martin, psychologue" in html
    assert "Transcription" in html and "<strong>Accueil</strong>" in html and "Bonjour à toutes et à tous." in html
    assert "<script>alert" not in html
    assert 'src="/static/js/player.js' in html and 'aria-pressed="false"' in html
    assert "Espace ou K" in html  # the keyboard shortcuts are documented on the page
    transcript = client.get(f"/formations/{course.id}/elements/{item.id}/transcription.md")
    assert transcript.status_code == 200 and transcript.mimetype == "text/markdown"
    assert "attachment" in transcript.headers["Content-Disposition"]
    assert "Bonjour à toutes et à tous." in transcript.get_data(as_text=True)


def test_every_caption_language_is_listed_and_only_french_is_default(client, make):
    from lms.core import storage
    from lms.videos.models import Caption

    course = full_course(make.trainer())
    video = items(course)["video"].video
    stored = storage.save_bytes(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n", "captions", ".vtt")
    db.session.add(Caption(video=video, lang="en", storage_key=stored.key, size=stored.size))
    commit()
    html = page(login_as(client, make.learner()), f"/formations/{course.id}/elements/{items(course)['video'].id}")
    tracks = re.findall(r"<track\b[^>]*>", html)
    assert len(tracks) == 2
    english = next(t for t in tracks if 'srclang="en"' in t)
    assert 'label="English"' in english and 'kind="captions"' in english and "default" not in english


def test_crisis_item_shows_the_content_note_and_the_numbers_before_the_content(client, make):
    course = full_course(make.trainer())
    html = page(login_as(client, make.learner()), f"/formations/{course.id}/elements/{items(course)['video'].id}")
    main = html[html.index('id="contenu"'):html.index('class="site-footer"')]
    assert "Cette partie aborde le suicide." in main and 'href="tel:3114"' in main
    assert 'href="tel:15"' in main and 'href="tel:112"' in main
    assert main.index("Cette partie aborde le suicide.") < main.index("<video")
    assert main.index('href="tel:3114"') < main.index("<video")


def test_an_item_without_content_note_has_no_crisis_block(client, make):
    course = full_course(make.trainer())
    html = page(login_as(client, make.learner()), f"/formations/{course.id}/elements/{items(course)['texte'].id}")
    main = html[html.index('id="contenu"'):html.index('class="site-footer"')]
    assert "tel:3114" not in main and "Note de contenu" not in main


def test_text_item_renders_markdown_safely_with_breadcrumbs_and_neighbours(client, make):
    course = full_course(make.trainer())
    by_key = items(course)
    html = page(login_as(client, make.learner()), f"/formations/{course.id}/elements/{by_key['texte'].id}")
    assert "<h2>Repères</h2>" in html and "<strong>sans juger</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "steal()" not in html
    breadcrumbs = html[html.index('class="breadcrumbs"'):html.index("</nav>", html.index('class="breadcrumbs"'))]
    assert "Formations" in breadcrumbs and course.title in breadcrumbs and "Repérer" in breadcrumbs
    assert 'aria-current="page"' in breadcrumbs
    pager = html[html.index('class="item-pager"'):]
    assert f'href="/formations/{course.id}/elements/{by_key["video"].id}" rel="prev"' in pager
    assert f'href="/formations/{course.id}/elements/{by_key["quiz"].id}" rel="next"' in pager


def test_quiz_item_page_offers_the_quiz_without_answers(client, make):
    course = full_course(make.trainer())
    html = page(login_as(client, make.learner()), f"/formations/{course.id}/elements/{items(course)['quiz'].id}")
    assert "60 %" in html and "Tentatives" in html and "Seuil de réussite" in unescape(html)
    assert "correct" not in html.lower()
    for secret in ("Oui, bravo.", "Non, hélas.", "Idée reçue"):
        assert secret not in html
    main = html[html.index('id="contenu"'):html.index('class="site-footer"')]
    assert "/quiz/commencer" in main and 'name="csrf_token"' in main  # answering starts with a POST


def test_render_markdown_strips_scripts_handlers_and_dangerous_links():
    html = str(render_markdown("# Titre\n\n<script>x()</script><img src=x onerror=y()>[a](javascript:z())"
                               "<iframe src=//evil></iframe> **ok**"))
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html and "<iframe" not in html
    assert "<h1>" not in html and "<h2>Titre</h2>" in html and "<strong>ok</strong>" in html
    assert str(render_markdown("## A", shift_headings=1)) == "<h3>A</h3>"
    assert str(render_markdown(None)) == ""


def test_the_page_shows_an_edit_at_once_although_its_parts_are_cached(client, make):
    """The sheet and outline are rendered once per content key: the next request after any edit has a new key."""
    trainer = make.trainer()
    course = full_course(trainer)
    login_as(client, make.learner())
    assert "En vidéo : repérer" in page(client, f"/formations/{course.id}")
    authoring.update_item(trainer, items(course)["video"], title="Le film, renommé", required=True)
    course.assessment = "Un quiz noté à 80 %."
    commit()
    html = page(client, f"/formations/{course.id}")
    assert "Le film, renommé" in html and "En vidéo : repérer" not in html
    assert "Un quiz noté à 80 %." in html and "à 60 %" not in html


def test_each_learner_sees_their_own_statuses_in_the_shared_outline(app, client, make):
    course = full_course(make.trainer())
    first, second = make.learner(), make.learner()
    login_as(client, first)
    text = f"/formations/{course.id}/elements/{items(course)['texte'].id}"
    assert post_form(client, f"{text}/lu", token_from=text).status_code in (302, 303)
    assert page(client, f"/formations/{course.id}").count("Terminé") == 1
    other = login_as(app.test_client(), second)
    html = page(other, f"/formations/{course.id}")
    assert "Terminé" not in html and html.count("À faire") == 3
    assert "<!--item-status" not in html


def test_a_title_shaped_like_the_status_slot_stays_text(client, make):
    trainer = make.trainer()
    course = full_course(trainer)
    authoring.update_item(trainer, items(course)["texte"], title="<!--item-status:1--> titre", required=False,
                          body_markdown="Écouter.")
    commit()
    login_as(client, make.learner())
    html = page(client, f"/formations/{course.id}")
    assert "&lt;!--item-status:1--&gt; titre" in html and html.count("À faire") == 3


def test_the_course_page_reads_the_user_then_the_course_with_the_learners_state(client, make):
    """Two statements once its parts are cached: the session's user, then the course with the learner's items
    and completion (lms.learning.queries.course_page_state)."""
    course = full_course(make.trainer())
    login_as(client, make.learner())
    path = f"/formations/{course.id}"
    page(client, path)  # fills the cache
    with statements() as seen:
        html = page(client, path)
    work = [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))]
    assert len(work) == 2, "\n".join(s[:100] for s in work)
    assert "FROM users" in work[0] and "FROM courses" in work[1] and "item_progress" in work[1]
    assert "Sensibilisation santé mentale" in html and "À faire" in html
