# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base every testpress.lms module stands on.

It adds the connection options, builds the API client, turns API and input errors into
``fail_json``, keeps secrets out of what a task reports, and decides check mode in one place:
a plan is either reported (``predicted``) or carried out (``apply``), in ``carry_out``. Beneath
that, the client is read-only in check mode: a write that slipped past fails loudly.
"""

from __future__ import annotations

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.testpress.lms.plugins.module_utils._api import TestpressAPI
from ansible_collections.testpress.lms.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, TestpressClient
from ansible_collections.testpress.lms.plugins.module_utils._journal import Journal, new_run_id
from ansible_collections.testpress.lms.plugins.module_utils._redact import redacted_result
from ansible_collections.testpress.lms.plugins.module_utils._progress import SILENT, reporter
from ansible_collections.testpress.lms.plugins.module_utils._pace import check_rate_limit
from ansible_collections.testpress.lms.plugins.module_utils._transport import check_api_url, clear_text_to
from ansible_collections.testpress.lms.plugins.module_utils._errors import (
    InputError,
    TestpressError,
    TokenRejected,
    UntrustedCertificate,
)

# What Ansible shows in place of a no_log value.
NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'

# What a user can do about an error, in the words of the module options.
REMEDIES = {
    TokenRejected: 'Give a fresh api_token, or api_username and api_password so that an expired token is renewed.',
    UntrustedCertificate: ('To trust the certificate, point the REQUESTS_CA_BUNDLE environment variable at the CA'
                           ' certificate (PEM) that signed it; or set validate_certs: false, which accepts any'
                           ' server and so is for tests only.'),
}


def connection_argument_spec():
    """The connection options, documented once in the ``testpress.lms.connection`` doc fragment."""
    return {
        # Not `required`: its absence fails with a message naming TESTPRESS_URL too (TestpressModule.api).
        'api_url': {'type': 'str', 'fallback': (env_fallback, ['TESTPRESS_URL'])},
        'api_token': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['TESTPRESS_TOKEN'])},
        'api_username': {'type': 'str', 'fallback': (env_fallback, ['TESTPRESS_USERNAME'])},
        'api_password': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['TESTPRESS_PASSWORD'])},
        'validate_certs': {'type': 'bool', 'default': True, 'fallback': (env_fallback, ['TESTPRESS_VALIDATE_CERTS'])},
        'timeout': {'type': 'int', 'default': 30},
        'max_retries': {'type': 'int', 'default': 5},
        'max_throttle_wait': {'type': 'int', 'default': 600, 'fallback': (env_fallback, ['TESTPRESS_MAX_THROTTLE_WAIT'])},
        'rate_limit': {'type': 'float', 'fallback': (env_fallback, ['TESTPRESS_RATE_LIMIT'])},
        'allow_insecure_http': {'type': 'bool', 'default': False, 'fallback': (env_fallback, ['TESTPRESS_ALLOW_INSECURE_HTTP'])},
    }


def missing_credentials(params):
    """What is missing to authenticate, in the words of the options and their environment variables; or None.

    In place of Ansible's bare ``parameters are required together``: most people set the environment variables."""
    username, password = params.get('api_username'), params.get('api_password')
    if username and not password:
        return ("api_password is missing: api_username is '%s', so give its password as api_password or in the "
                'TESTPRESS_PASSWORD environment variable' % username)
    if password and not username:
        return ('api_username is missing: api_password is set, so give the account it belongs to as api_username or '
                'in the TESTPRESS_USERNAME environment variable')
    if not (username or params.get('api_token')):
        return ('no credentials: give api_token (or the TESTPRESS_TOKEN environment variable), or api_username and '
                'api_password (TESTPRESS_USERNAME and TESTPRESS_PASSWORD)')
    return None


def journal_argument_spec():
    """``journal``, taken by every module that writes (the ``testpress.lms.journal`` doc fragment)."""
    return {'journal': {'type': 'path', 'fallback': (env_fallback, ['TESTPRESS_JOURNAL'])}}


def backup_argument_spec():
    """``backup`` and ``backup_dir`` (the ``testpress.lms.backup`` doc fragment)."""
    return {'backup': {'type': 'bool', 'default': False}, 'backup_dir': {'type': 'path'}}


def _forget_received(ansible, option):
    """Drop list option ``option`` from the copies of the module's arguments ansible-core keeps for the life of the
    process: the JSON text it read, (2.19 and later) a parsed copy, and the validated parameters beside
    ``params``. None is read again once ``AnsibleModule`` has validated the arguments (2.16 to 2.21: only
    ``_load_params`` reads the text, and the parsed copy serves ``_ansible_tracebacks_for``). With a roster of
    100,000 entries they were a third of the module's memory."""
    validated = getattr(getattr(ansible, 'validation_result', None), 'validated_parameters', None)
    if isinstance(validated, dict) and option in validated:
        validated[option] = ansible.params[option]
    parsed = getattr(basic, '_PARSED_MODULE_ARGS', None)
    if isinstance(parsed, dict):
        parsed.pop(option, None)
    if isinstance(getattr(basic, '_ANSIBLE_ARGS', None), bytes):
        basic._ANSIBLE_ARGS = None


class TestpressModule:
    """An ``AnsibleModule`` with the Testpress connection, check mode and diff handled once."""

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.params = self.ansible.params
        missing = missing_credentials(self.params)
        if missing:
            self.ansible.fail_json(msg=missing)
        self.check_mode = self.ansible.check_mode
        self.diff_mode = self.ansible._diff
        self._api = None
        # Parallel requests the task makes; a module with parallel workers keeps a connection per worker.
        self.workers = 1
        # The invocation results report, when secrets left Ansible's own scan (take_entries).
        self.invocation = None
        # What the task has done so far, for the action plugin's progress lines (see report_progress).
        self.progress = SILENT
        # The run's id: in its journal's lines and its backup's name.
        self.run_id = new_run_id()

    @property
    def api(self):
        """The Testpress API, built on first use; read-only in check mode."""
        if self._api is None:
            params = self.params
            if not params['api_url']:
                raise InputError('api_url is required: set the api_url option or the TESTPRESS_URL environment variable '
                                 "to the institute's base URL, such as https://demo.testpress.in")
            url = check_api_url(params['api_url'], params['allow_insecure_http'])
            if clear_text_to(url):
                self.ansible.warn('api_url uses http:// to %s, another machine (allow_insecure_http is true): the admin '
                                  'password and the API token cross the network in clear text. Use https://.' % clear_text_to(url))
            if not params['validate_certs']:
                self.ansible.warn('validate_certs is false: the TLS certificate of %s is not checked, so whoever sits '
                                  'between here and there can read the admin password and the API token. Trust a private CA '
                                  'with REQUESTS_CA_BUNDLE instead.' % url)
            if params['timeout'] <= 0 or params['max_retries'] < 0 or params['max_throttle_wait'] < 0:
                raise InputError('timeout must be positive, and max_retries and max_throttle_wait zero or more')
            try:
                rate_limit = check_rate_limit(params['rate_limit'])
            except ValueError as err:
                raise InputError(str(err)) from None
            client = TestpressClient(
                url,
                token=params['api_token'],
                username=params['api_username'],
                password=params['api_password'],
                validate_certs=params['validate_certs'],
                timeout=params['timeout'],
                max_retries=params['max_retries'],
                max_throttle_wait=params['max_throttle_wait'],
                rate_limit=rate_limit,
                # A module with parallel workers (the roster) keeps a connection per worker.
                pool_size=max(16, self.workers),
                read_only=self.check_mode,
            )
            if params.get('journal') and not self.check_mode:
                client.journal = Journal(params['journal'], self.name, self.run_id, self.account)
            self._api = TestpressAPI(client)
        return self._api

    @property
    def name(self):
        """The module's short name (``testpress_roster``)."""
        name = self.ansible._name
        return name[:-3] if name.endswith('.py') else name.rsplit('.', 1)[-1]

    @property
    def account(self):
        """The one account a single-account task acts on, as its options name it (None for a roster)."""
        if self.params.get('username'):
            return self.params['username'].strip()
        return 'user id %d' % self.params['user_id'] if self.params.get('user_id') is not None else None

    def carry_out(self, plan, *args):
        """The one place check mode is decided: a plan with changes is applied (``plan.apply(api, *args)``)
        unless in check mode, where its prediction (``plan.predicted()``) is reported instead."""
        if plan.changed and not self.check_mode:
            return plan.apply(self.api, *args)
        return plan.predicted()

    def report_progress(self):
        """The reporter the engines are handed: with the ``progress`` option true, the status file in the
        temporary directory Ansible made for this task (``_ansible_tmpdir``, where the action plugin looks),
        never one the module would make itself. Removed when the module ends (``run``)."""
        self.progress = reporter(self.params.get('progress'), getattr(self.ansible, '_tmpdir', None))
        return self.progress

    def take_entries(self, option, key, listed):
        """The list option ``option`` (a roster's entries), taken whole, once: the module keeps no other copy of it.

        - The ``key`` values of its dicts (each entry's password) leave Ansible's own no_log scan. Ansible scrubs a
          result by testing every string in it against every no_log value: with a password in each of 10,000
          entries that is quadratic, minutes of CPU. Those values never reach a result (diffs show placeholders;
          messages that could carry one are scrubbed where they are made). The task's other secrets stay in the scan.
        - The invocation the result reports holds the first ``listed`` entries, each ``key`` a placeholder, and
          ``<option>_not_listed`` counts the others: 100,000 entries are not sent back to the controller.
        - ``params[option]`` keeps those first entries only, and the copies Ansible keeps of the arguments as it
          received them are dropped (``_forget_received``): once the caller has read the list it returns, the
          entries are held only as the caller holds them.
        """
        params = self.params
        entries = params[option] or []
        secret_options = [name for name, spec in self.ansible.argument_spec.items() if spec.get('no_log')]
        kept = set(params[name] for name in secret_options if params.get(name))
        released = set(entry[key] for entry in entries if isinstance(entry, dict) and entry.get(key))
        self.ansible.no_log_values.difference_update(released - kept)
        shown = dict(params, **dict((name, NO_LOG_PLACEHOLDER) for name in secret_options if params.get(name)))
        params[option] = entries[:listed]
        shown[option] = [dict(entry, **{key: NO_LOG_PLACEHOLDER}) if isinstance(entry, dict) and entry.get(key) else entry
                         for entry in params[option]]
        if len(entries) > listed:
            shown[option + '_not_listed'] = len(entries) - listed
        self.invocation = {'module_args': shown}
        _forget_received(self.ansible, option)
        return entries

    def _reported(self, result):
        """The result as the task reports it: its invocation, and with the ``redact`` option every personal
        value masked (``_redact``), the task's own arguments among them."""
        if self.invocation is not None:
            result['invocation'] = self.invocation
        if not self.params.get('redact'):
            return result
        # Ansible adds {'module_args': params} when the result has no invocation: masked here instead.
        result.setdefault('invocation', {'module_args': self.params})
        return redacted_result(result, self.params)

    def exit(self, changed, diff=None, **result):
        if diff is not None and self.diff_mode:
            result['diff'] = diff
        self.ansible.exit_json(**self._reported(dict(result, changed=changed)))

    def fail(self, msg, **result):
        self.ansible.fail_json(**self._reported(dict(result, msg=msg)))

    def run(self, main):
        """Run ``main(self)``; an API or input error becomes a clean task failure."""
        try:
            main(self)
        except (TestpressError, InputError) as err:
            remedy = REMEDIES.get(type(err))
            self.fail('%s. %s' % (str(err).rstrip('.'), remedy) if remedy else str(err))
        finally:
            self.progress.close()
            if self._api is not None and self._api.client.journal is not None:
                self._api.client.journal.close()
