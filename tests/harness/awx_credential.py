# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Testpress credential type of docs/awx/, rendered as AWX renders a credential's injectors.

AWX renders them in a Jinja2 sandbox. A string field left empty is out of the namespace (so the injectors'
``default('')`` gives ""); a boolean field the credential never set is given as False, never left undefined,
so an injector's ``default(true)`` can never apply to a boolean.
"""

from __future__ import annotations

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

AWX = REPO_ROOT / 'docs' / 'awx'
INPUTS = yaml.safe_load((AWX / 'credential_type_inputs.yml').read_text(encoding='utf-8'))
INJECTORS = yaml.safe_load((AWX / 'credential_type_injectors.yml').read_text(encoding='utf-8'))


def injected_env(inputs):
    """The environment AWX injects for a credential of the Testpress type with these inputs."""
    namespace = dict((name, value) for name, value in inputs.items() if isinstance(value, bool) or len(value))
    for field in INPUTS['fields']:
        if field['type'] == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**namespace)) for name, template in INJECTORS['env'].items())
