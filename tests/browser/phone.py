"""What every page must satisfy on a 360 px phone, checked in the browser."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client

# Problems of the page as sentences; an empty list is a page that fits a phone.
PHONE_PROBLEMS_JS = """() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`page ${document.documentElement.scrollWidth}px wide`);
  }
  // A closed <details> and print-only text are hidden on purpose; so is the header row of
  // a table shown as labelled blocks (each cell carries its label).
  const closed = (el) => el.closest('details:not([open])') || el.closest('.print-only')
    || el.closest('table.blocks thead');
  for (const el of document.querySelectorAll('td, th, input:not([type=hidden]), select, textarea')) {
    if (closed(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.getClientRects().length === 0) {
      problems.push(`hidden ${el.tagName.toLowerCase()}: ${(el.textContent || el.name || '').trim().slice(0, 40)}`);
    }
  }
  for (const el of document.querySelectorAll('svg text')) {
    if (closed(el) || !el.textContent.trim()) continue;
    const scale = el.getScreenCTM() ? el.getScreenCTM().a : 1;
    const size = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (size < 11.95) problems.push(`text ${size.toFixed(1)}px: ${el.textContent.trim().slice(0, 30)}`);
  }
  for (const el of document.querySelectorAll('main button, main a.button, main input[type=submit], nav.work a')) {
    if (closed(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < 44 || box.height < 44) {
      problems.push(`small target ${Math.round(box.width)}×${Math.round(box.height)}: ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return problems;
}"""


def phone_problems(page: Any) -> list[str]:
    return list(page.evaluate(PHONE_PROBLEMS_JS))


def session_cookie(user: User, live_server: Any) -> dict[str, Any]:
    """A session cookie for `user`, for the live server's domain."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def phone_as(browser: Any, live_server: Any, user: User) -> Any:
    """A new 360×780 page signed in as `user` (close its context when done)."""
    context = browser.new_context(viewport={"width": 360, "height": 780})
    context.add_cookies([session_cookie(user, live_server)])
    return context.new_page()
