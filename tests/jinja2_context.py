"""Test-only instrumentation: Jinja2 pages report what they rendered, as Django's own
templates do, so `response.context` and `response.templates` work for them too.

Django's test runner instruments only its own template language. Here every render of a
Jinja2 template through Django's backend sends `template_rendered` for the template and
for each template it extends or imports, with the full context (view variables, request
and context processors), once rendering is over.
"""

import contextvars

import jinja2
import pytest
from django.template.backends import jinja2 as jinja2_backend
from django.test.signals import template_rendered

# The templates loaded by the renders in progress in this thread or task, innermost last.
_loaded = contextvars.ContextVar("jinja2_templates_loaded", default=())


def _instrument_render(render):
    def instrumented_render(self, context=None, request=None):
        if context is None:
            context = {}
        loaded = []
        token = _loaded.set((*_loaded.get(), loaded))
        try:
            return render(self, context, request)
        finally:
            _loaded.reset(token)
            for template in [self.template, *loaded]:
                template_rendered.send(sender=template, template=template, context=context)

    return instrumented_render


def _instrument_get_template(get_template):
    def instrumented_get_template(self, *args, **kwargs):
        template = get_template(self, *args, **kwargs)
        renders = _loaded.get()
        if renders:
            renders[-1].append(template)
        return template

    return instrumented_get_template


@pytest.fixture(autouse=True, scope="session")
def jinja2_template_signals():
    render = jinja2_backend.Template.render
    get_template = jinja2.Environment.get_template
    jinja2_backend.Template.render = _instrument_render(render)
    jinja2.Environment.get_template = _instrument_get_template(get_template)
    yield
    jinja2_backend.Template.render = render
    jinja2.Environment.get_template = get_template
