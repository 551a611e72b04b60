"""Helpers of the editing browser tests: logging staff in, and what the production
Content-Security-Policy blocked on a page."""

# Each page of the context records what the policy blocks (an inline script or style).
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def log_in(page, live_server, username):
    """Log a staff persona of tests.staff in (password `pw-<username>`)."""
    page.context.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def csp_violations(page):
    return page.evaluate("window.cspViolations || []")
