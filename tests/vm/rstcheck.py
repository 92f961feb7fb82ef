#!/usr/bin/env python3
"""Check that every .rst file is valid reStructuredText (docutils).

Sphinx-only constructs used by the kernel's documentation (toctree,
literalinclude, :doc:) are accepted as no-ops; anything else docutils
warns about is an error.
"""
import sys
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles


class Accept(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {'maxdepth': directives.unchanged,
                   'language': directives.unchanged}

    def run(self):
        return []


def doc_role(name, rawtext, text, lineno, inliner, options=None,
             content=None):
    return [nodes.literal(rawtext, text)], []


directives.register_directive('toctree', Accept)
directives.register_directive('literalinclude', Accept)
roles.register_local_role('doc', doc_role)

failed = 0
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        try:
            publish_doctree(f.read(), source_path=path,
                            settings_overrides={'halt_level': 2,
                                                'report_level': 2})
        except Exception as e:  # docutils raises SystemMessage
            print(f'{path}: {e}')
            failed += 1
sys.exit(1 if failed else 0)
