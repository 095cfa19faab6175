"""A class's join link, its QR code and its copy button; where a teacher lands after logging in (issue 16, point 9)."""

from __future__ import annotations

import html
import re

import segno

from tests.conftest import csrf_token


def _teacher_with_class(client, auth, make_user, name="Year 9 History"):
    make_user("tess", "teacher")
    auth.login("tess")
    page = client.get("/teach/classes")
    created = client.post("/teach/classes", data={"name": name, "csrf_token": csrf_token(page.text)})
    assert created.status_code == 302
    return created.location


def test_the_class_page_gives_a_join_link_that_fills_the_code_and_a_qr_code_of_it(client, auth, make_user):
    class_page = client.get(_teacher_with_class(client, auth, make_user)).text
    code = re.search(r'<code class="big">(\w+)</code>', class_page).group(1)
    link = html.unescape(re.search(r'id="join-link"[^>]*value="([^"]+)"', class_page).group(1))
    assert link == f"http://localhost/classes/join?code={code}"
    # the QR code is exactly the join link, drawn as an inline picture with a text alternative
    assert segno.make(link, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False) in class_page
    assert 'role="img" aria-label="QR code of the join link for Year 9 History"' in class_page
    # the copy button waits for the script (hidden without it) and the script is the app's own
    assert re.search(r'<button[^>]*data-copy="join-link"[^>]*hidden', class_page)

    auth.logout()
    auth.register("lena")
    join = client.get(link.removeprefix("http://localhost")).text
    assert re.search(rf'name="code"[^>]*value="{code}"', join) or re.search(rf'value="{code}"[^>]*name="code"', join)
    joined = client.post("/classes/join", data={"code": code, "csrf_token": csrf_token(join)}, follow_redirects=True)
    assert "Year 9 History" in joined.text


def test_a_hostile_class_name_stays_text_on_the_class_page(client, auth, make_user):
    class_page = client.get(_teacher_with_class(client, auth, make_user, name='<svg onload=alert(1)>')).text
    assert "<svg onload" not in class_page
    assert 'aria-label="QR code of the join link for &lt;svg onload=alert(1)&gt;"' in class_page


def test_teachers_land_on_their_teach_home_and_learners_on_the_quiz_list(client, auth, make_user):
    make_user("tess", "teacher")
    make_user("lena")
    assert auth.login("tess").location == "/teach/"
    auth.logout()
    assert auth.login("lena").location == "/"
    auth.logout()
    # a page the teacher asked for still wins
    page = client.get("/auth/login")
    asked = client.post("/auth/login?next=/teach/classes", data={
        "username": "tess", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert asked.location == "/teach/classes"
