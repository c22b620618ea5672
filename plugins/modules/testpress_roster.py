#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_roster
short_description: Bring a whole Testpress roster (accounts, batches, courses) to a declared list in one task
version_added: 0.1.0
description:
  - Makes the accounts of a Testpress institute, their batches and their courses match a roster, in one task;
    the GitOps way to manage thousands of students from a file kept in git.
  - Reads the institute once (the user list's pages in parallel, the batches it embeds; per-user reads only for
    what the roster manages and the list does not carry), plans every change, then applies the plan with
    O(concurrency) parallel requests. A second run sends no write and reports no change.
  - Every entry is validated and every batch and course name resolved before the first write. Any problem, in
    any entry, fails the task naming each bad entry, and nothing is written. A key an entry does not have is
    named with the closest one (C(frist_name), did you mean C(first_name)?); O(users[].state) takes its choices
    in any case. One failure lists the entries' own mistakes and the unknown batch and course names of the
    other entries together (those are checked against the institute in check mode, with no sweep).
  - One account whose calls fail does not stop the others. The task then fails, listing each failed user and why
    in RV(failures); a rerun finishes the job.
  - In check mode the task reads, plans and reports exactly what a real run would do, and writes nothing. With
    C(--check --diff) it is an audit of the institute against the roster.
author: Testpress LMS collection contributors (@testpress)
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.journal
  - testpress.lms.backup
  - testpress.lms.attributes
  - testpress.lms.progress
attributes:
  action:
    description: Has an action plugin, which runs on the controller.
    support: full
    details:
      - The action plugin reads O(src) on the controller and hands its checked entries to the module in a private
        file in the task's temporary directory, which the module reads a line at a time.
options:
  users:
    description:
      - The roster, one entry per account. An option left out of an entry is not managed; V("") makes a
        text field empty.
      - Each username may appear once.
      - The entries returned by M(testpress.lms.testpress_user_info), and read by the
        P(testpress.lms.roster_from_csv#filter) filter, have this shape.
      - Exactly one of O(users) and O(src) is required.
    type: list
    elements: dict
    suboptions:
      username:
        description: The account's username, its key (required in every entry).
        type: str
      state:
        description:
          - V(present) (the default when left out) creates or updates the account.
          - V(absent) deletes the account and all its data. The entry's other options are ignored (a full spreadsheet
            row marked absent), and RV(changes[].ignored) names them.
        type: str
        choices: [present, absent]
      password:
        description:
          - The password to create the account with (required for an account that does not exist yet).
          - Sent again on every run only with O(update_password=always). Never shown in results, diffs or logs.
        type: str
      # BEGIN generated: entry fields (make docs writes this from _users.USER_FIELDS and the user_profile fragment)
      first_name:
        description:
          - First name. An option left out is not managed; V("") makes the field empty (the same for every
            text option).
        type: str
      last_name:
        description:
          - Last name.
        type: str
      email:
        description:
          - Email address. Compared without regard to case.
        type: str
      birth_date:
        description:
          - Date of birth, as V(YYYY-MM-DD) or V(DD/MM/YYYY). A YAML date works too.
          - Compared as a date, whichever format the API reads it back in.
        type: str
      address1:
        description:
          - First address line.
        type: str
      address2:
        description:
          - Second address line.
        type: str
      city:
        description:
          - City.
        type: str
      zip:
        description:
          - Postal code (PIN).
        type: str
      state_code:
        description:
          - State as an ISO 3166-2:IN code, for example V(IN-TN). Old codes (V(IN-OR), V(IN-UT), V(IN-TS),
            ...) are accepted and equal their current code, and so is the state's name as the API reads it
            back (V(Tamil Nadu)).
          - The API calls this field C(state), a name Ansible reserves. It may read it back as the state's
            name; the module compares codes.
        type: str
      phone:
        description:
          - Phone number.
        type: str
      is_active:
        description:
          - V(false) deactivates the account, V(true) activates it.
        type: bool
      is_blocked:
        description:
          - V(true) blocks the account from logging in.
        type: bool
      custom_fields:
        description:
          - The institute's custom profile fields, as a dict of field name to value.
          - Names compare without regard to case. Only the fields listed are managed; the others keep their
            values.
          - Values are compared as strings.
        type: dict
      # END generated: entry fields
      batches:
        description:
          - The account's batches, each an integer (an id) or a string (an exact batch name), as
            O(testpress.lms.testpress_user_batches#module:batches).
          - With O(membership=present) the missing ones are added; with O(membership=exact) the list is the whole
            truth, and V([]) removes every batch. Left out, the account's batches are not managed.
        type: list
        elements: raw
      courses:
        description:
          - The account's courses, each an integer (an id) or a string (an exact course title or slug), as
            O(testpress.lms.testpress_user_courses#module:courses). Managed as O(users[].batches) is.
        type: list
        elements: raw
      expires:
        description:
          - When the account's subscriptions to the listed O(users[].batches) end, as V(YYYY-MM-DD); a listed batch
            whose end date differs is updated. Needs O(users[].batches).
        type: str
  src:
    description:
      - A roster file on the controller, instead of O(users). A C(.yml), C(.yaml) or C(.json) file holds a list of
        entries of O(users); a C(.csv) file is a spreadsheet read with the rules of the
        P(testpress.lms.roster_from_csv#filter) filter (the header row names the entry keys).
      - A relative path is found as the C(src) of M(ansible.builtin.template) is, in the C(files/) directory of
        the role or beside the playbook, then in the playbook's directory.
      - The file is read as it is, never templated; this is what keeps a roster of 10,000 students cheap for the
        controller. Keep passwords out of it, and use O(initial_password) or O(auto_generate_password).
      - A problem names the file and the row (the header is row 1) and column (its letter and header) or, for
        YAML and JSON, the entry (the first is entry 1) and its line, in the first block Ansible prints too.
        Messages never quote a value of the file other than a username and a batch's or course's name.
      - A YAML file whose aliases expand past four times its own nodes, or a file nested deeper than 32 levels,
        is refused unread, naming the file.
      - A JSON file is read an entry at a time, so the controller never holds the whole roster; it is the format
        for a roster of 100,000 students (see C(docs/performance.md) in the collection).
    type: str
  initial_password:
    description:
      - The first password of every account the roster creates whose entry has no O(users[].password).
        Never shown in results, diffs or logs, and never sent to an existing account.
      - Left out, the E(TESTPRESS_INITIAL_PASSWORD) environment variable, when set.
    type: str
  auto_generate_password:
    description:
      - Let Testpress make the first password of every account the roster creates that has none, from neither
        its entry nor O(initial_password), as O(testpress.lms.testpress_user#module:auto_generate_password).
      - With O(notify_credential=true) each student is sent their credentials; otherwise they set a password
        through the platform's password reset.
    type: bool
    default: false
  notify_credential:
    description:
      - Have Testpress mail each account the roster creates its credentials, as
        O(testpress.lms.testpress_user#module:notify_credential).
    type: bool
    default: false
  membership:
    description:
      - V(present) adds the batches and courses an entry lists that the account lacks, and removes nothing.
      - V(exact) makes an entry's O(users[].batches) and O(users[].courses) lists the whole truth, adding and
        removing; a key left out of an entry is still not managed.
    type: str
    choices: [present, exact]
    default: present
  unlisted_users:
    description:
      - What to do with accounts on the institute that the roster does not list.
      - V(ignore) leaves them alone. V(deactivate) sets O(users[].is_active=false) on them (reversible).
        V(delete) deletes them and all their data (irreversible).
      - The accounts in O(protected_users), every account the task acts as (O(api_username), and the owner of
        O(api_token), which is the account C(GET /api/v2.2/me/) names where the institute serves it, else the token's
        C(username) claim when it is text, else the account whose id or email the token's C(user_id) or C(email)
        claim holds), and staff and admin accounts (an account the API reads back with C(is_staff) or
        C(is_superuser)) are never deactivated or deleted as unlisted. Usernames are compared trimmed, as the
        server compares them (an O(api_username) of C(admin) followed by a space is C(admin)).
      - Where the user list does not say which accounts are staff (an account without C(is_staff) and
        C(is_superuser), as the preflight's C(staff_marked) check reports), V(deactivate) and V(delete) fail before
        any write unless O(protected_users) is given; list every staff account there, or give V([]) to say there is
        no staff besides the login account.
      - An O(api_token) whose owner cannot be found fails the task unless O(unlisted_users=ignore).
      - A roster with no entries never deactivates or deletes; the task fails, as an empty or cut roster file is a
        mistake.
    type: str
    choices: [ignore, deactivate, delete]
    default: ignore
  protected_users:
    description:
      - Usernames that the roster never deactivates, blocks or deletes (other admins, service accounts), and whose
        email, phone, password and access a roster entry never changes unless O(manage_protected=true).
      - The account the task logs in with, and the owner of O(api_token), are always protected.
      - Left out, nobody has said who the staff are. Give it (V([]) when there is no other staff) for
        O(unlisted_users=deactivate) or O(unlisted_users=delete) on an institute whose user list does not mark staff.
    type: list
    elements: str
  manage_protected:
    description:
      - Let roster entries change the V(email), V(phone), V(username), V(password), V(is_active) and V(is_blocked) of
        an account the task may not sweep (the login account, the owner of O(api_token), O(protected_users), staff
        and admin accounts), and delete a staff account listed with O(users[].state=absent).
      - Left V(false), such an entry fails the task before any write, naming the entry, so a roster file is never
        one password reset away from taking over the institute. Names, batches and courses of those accounts are
        managed as listed either way.
      - The login account, the owner of O(api_token) and O(protected_users) are never deleted, deactivated or blocked,
        whatever this says.
    type: bool
    default: false
  max_removals:
    description:
      - The most the task may remove in one run, counting deleted and deactivated accounts, listed accounts locked
        out (set O(users[].is_active=false) or O(users[].is_blocked=true), or given an O(users[].expires) in the
        past), and removed batch and course memberships. A plan that would remove more fails before any write, so
        a broken roster file cannot wipe an institute. Raise it on purpose for an end-of-term clean-up.
      - The failure names the accounts the plan takes something from (the first 20), every limit it passes at
        once, and the value of each option that would let it through. In check mode the result still holds the
        plan (RV(summary), RV(changes)) beside RV(guard), so an audit can write its report.
    type: int
    default: 50
  max_removals_percent:
    description:
      - The most active accounts the task may delete, deactivate or lock out in one run, as a share of the
        institute's active accounts, rounded up (V(10) of an institute of 5 active accounts allows 1). Inactive
        accounts count in neither, so 90 old inactive accounts do not let a one-entry roster deactivate 11 of 12
        active students. Checked beside O(max_removals), so a small institute is as safe as a large one. A plan
        past it fails before any write.
      - Raise it (up to V(100)) on purpose for an end-of-term clean-up.
    type: int
    default: 10
  update_password:
    description:
      - V(on_create) uses an entry's O(users[].password) only to create the account.
      - V(always) sends it on every run; a password cannot be read back to compare, so every account with a
        password then reports a change on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  concurrency:
    description:
      - How many requests the task keeps in flight at once, from 1 to 32. The API's throttling (HTTP 429 with
        C(Retry-After)) is honoured by every worker.
    type: int
    default: 8
  max_changes_listed:
    description:
      - The most accounts RV(changes) (and, with C(--diff), the diff) lists, so that the result of a run that
        changes a whole institute stays small enough to read, register and render. RV(summary) counts every
        change, and RV(changes_not_listed) says how many accounts are not listed; O(changes_file) holds them.
      - V(0) lists none.
      - The task's own arguments, as the result reports them (C(invocation), shown with C(-vvv)), hold as many of
        the O(users) entries, and C(users_not_listed) counts the others, so that a roster of 100,000 entries is not
        sent back to the controller.
    type: int
    default: 1000
  changes_file:
    description:
      - A JSON file on the host that runs the module (the controller, for a task on C(localhost)) that receives the
        entries of RV(changes) past O(max_changes_listed), in the same shape, as one list (an empty list when
        every change is listed, so that a file left by an earlier run is never read as this run's).
      - Written private (mode C(0600)), whole, as a new file renamed over the old one; a symbolic link there is
        refused. Its directory must exist. Also written in check mode, where it completes the audit.
    type: path
  redact:
    description:
      - Mask every personal value of the accounts (contact details, birth date, address, custom fields) in the
        task's own result, its C(--diff) and its arguments, so that C(-v) output and AWX or ansible-runner job events
        hold none. The field names stay, an empty value stays empty, and a value that changes reads
        V((redacted, changed\)).
      # BEGIN generated: personal fields (make docs writes this from the personal column of _users.USER_FIELDS)
      - Personal fields are C(email), C(birth_date), C(address1), C(address2), C(city), C(zip),
        C(state_code), C(phone) and C(custom_fields).
      # END generated: personal fields
      - The drift reports of a redacted result (P(testpress.lms.drift_report#filter),
        P(testpress.lms.drift_markdown#filter)) are redacted too. What the task writes to the institute is not.
    type: bool
    default: false
  plan_file:
    description:
      - A saved plan, as Terraform's C(plan -out) and C(apply PLANFILE), so that a run applies exactly what was
        reviewed.
      - In check mode the task writes its plan to this path (mode C(0600), replaced whole). It holds a format version, the
        institute's URL, the options that shape the plan, a salted digest of the roster, and for every account the
        plan changes its state as read and the change planned. It holds no secret (a first password is only
        C(set on create)), but it does hold the personal data of those accounts, so keep it as private as the roster.
      - In a normal run the task reads the saved plan, reads the institute and plans again, and applies only when the
        new plan equals the saved one. Otherwise it fails before any write, naming each account whose state or
        planned change differs since the review, and the roster or options if they differ.
      - A missing or unreadable file, a plan of another institute or format version, or one older than
        O(plan_max_age) fails the task before any write.
      - The path is on the host the module runs on (the controller, in the plays of this collection).
      - If not set, the environment variable E(TESTPRESS_PLAN_FILE) is used.
    type: path
  plan_max_age:
    description:
      - How old a saved plan (O(plan_file)) may be when it is applied, as a number and a unit (V(s), V(m), V(h) or
        V(d)), such as V(24h) or V(90m). An older plan is refused as stale.
    type: str
    default: 24h
notes:
  - Each account's calls are made in their natural order (create, then the fields the API sets on update
    only, then batches and courses), with at most one call that adds and one that removes per kind.
  - A run that is interrupted can be run again; it reads what was done and finishes the rest. A create whose
    answer was lost is checked by reading the account back, and sent again only if it did not happen.
  - Accounts are matched by exact username. Names of batches and courses are each looked up once per run.
seealso:
  - module: testpress.lms.testpress_user_info
    description: Export the institute in this module's roster shape.
  - module: testpress.lms.testpress_user
  - module: testpress.lms.testpress_user_batches
  - module: testpress.lms.testpress_user_courses
'''

EXAMPLES = r'''
- name: Apply the roster kept in git
  testpress.lms.testpress_roster:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    # The first password of each account this creates (from a vault); never sent to an existing account.
    initial_password: "{{ initial_password }}"
    users:
      - username: asha
        first_name: Asha
        email: asha@example.com
        state_code: IN-TN
        batches: [UPSC Morning Batch]
        courses: [Master of Business Administration]
      - username: ravi
        first_name: Ravi
        batches: [NEET Morning Batch, 27]
        expires: "2031-03-31"
      - username: old-student
        state: absent

- name: The roster file is the whole truth; deactivate everyone it does not list
  testpress.lms.testpress_roster:
    api_url: "{{ testpress_url }}"
    api_token: "{{ testpress_token }}"
    # A file beside the playbook, read on the controller as it is. Passwords stay out of git: Testpress
    # makes the first password of each new account and mails it to the student.
    src: rosters/example.yml
    auto_generate_password: true
    notify_credential: true
    membership: exact
    unlisted_users: deactivate
    protected_users: [admin, support]
    # At most 20 removals, and at most half of the institute's accounts: a cut file cannot wipe it.
    max_removals: 20
    max_removals_percent: 50

- name: Audit, changing nothing - what differs between the roster and the institute?
  testpress.lms.testpress_roster:
    api_url: "{{ testpress_url }}"
    api_token: "{{ testpress_token }}"
    # A spreadsheet beside the playbook, read on the controller as it is (never templated).
    src: rosters/example.csv
  check_mode: true
  register: audit

- name: Show the drift
  ansible.builtin.debug:
    msg: "{{ audit.summary }}"
'''

RETURN = r'''
summary:
  description:
    - How many accounts the task created, updated (profile or memberships), deleted and deactivated, how many
      roster entries needed nothing, and how many accounts failed. In check mode, what a real run would do,
      also when the removal guard stops it (see RV(guard)).
  returned: always
  type: dict
  contains:
    created:
      description: Accounts created.
      type: int
      returned: always
    updated:
      description: Accounts whose profile, batches or courses changed.
      type: int
      returned: always
    deleted:
      description: Accounts deleted.
      type: int
      returned: always
    deactivated:
      description: Unlisted accounts deactivated.
      type: int
      returned: always
    unchanged:
      description: Roster entries that needed no change.
      type: int
      returned: always
    failed:
      description: Accounts whose calls failed (see RV(failures)).
      type: int
      returned: always
  sample: {created: 2, updated: 1, deleted: 0, deactivated: 0, unchanged: 297, failed: 0}
changes:
  description:
    - One entry per account changed (in check mode, that would change), sorted as the roster lists them, then
      the unlisted accounts; the first O(max_changes_listed) of them.
  returned: always
  type: list
  elements: dict
  contains:
    username:
      description: The account.
      type: str
      returned: always
    action:
      description: V(create), V(update), V(delete) or V(deactivate).
      type: str
      returned: always
    before:
      description:
        - The fields that differ, as the institute has them (normalised as the roster writes them).
        - Not returned for V(delete).
      type: dict
      returned: when action is not delete
    after:
      description:
        - The same fields as the roster sets them. A password shows as a placeholder, never its value; the
          password of an account Testpress creates with one it makes (O(auto_generate_password)) as
          V((made by Testpress\)).
        - Not returned for V(delete).
      type: dict
      returned: when action is not delete
    ignored:
      description: The options of an entry with O(users[].state=absent) that were ignored, as deleting reads none.
      type: list
      elements: str
      returned: when a deleted account's entry carried other options
    batches:
      description: How the account's batches change; a key whose list would be empty is left out.
      type: dict
      returned: when the account's batches change
      contains:
        added:
          description: The names of the batches the account joins.
          type: list
          elements: str
          returned: when not empty
        removed:
          description: The names of the batches the account leaves.
          type: list
          elements: str
          returned: when not empty
        expiry_updated:
          description: The names of batches the account keeps whose subscription end date is set to RV(changes[].batches.expires).
          type: list
          elements: str
          returned: when not empty
        expires:
          description: The end date set on the added and updated subscriptions, from O(users[].expires).
          type: str
          returned: when the entry sets O(users[].expires) and batches are added or updated
    courses:
      description: How the account's courses change; a key whose list would be empty is left out.
      type: dict
      returned: when the account's courses change
      contains:
        added:
          description: The titles of the courses the account is enrolled in.
          type: list
          elements: str
          returned: when not empty
        removed:
          description: The titles of the courses the account leaves.
          type: list
          elements: str
          returned: when not empty
  sample:
    - username: ravi
      action: update
      before: {city: Chennai}
      after: {city: Madurai}
      batches: {added: [NEET Morning Batch], expires: "2031-03-31"}
applied:
  description:
    - V(true) when the task ran without check mode, so RV(changes) were written; V(false) in check mode, where they
      are what a run would write. C(testpress.lms.drift_markdown) reports the first as applied, the second as drift.
  returned: always
  type: bool
  sample: true
backup_file:
  description:
    - With O(backup=true), the roster file holding every account the task changed, as it was before.
  returned: when O(backup=true) and the task changed an account (not in check mode)
  type: str
  sample: /srv/rosters/backups/demo.testpress.in-20261204T171500Z-3f9a2c.yml
changes_not_listed:
  description:
    - How many changed accounts RV(changes) leaves out, past O(max_changes_listed); V(0) when it lists every
      one. They are in O(changes_file) when it is given.
  returned: always
  type: int
  sample: 0
changes_file:
  description: The absolute path of the O(changes_file) written.
  returned: when O(changes_file) is given
  type: str
  sample: /srv/rosters/reports/changes.json
redacted:
  description: True when personal values are masked (O(redact=true)).
  returned: when O(redact=true)
  type: bool
  sample: true
failures:
  description: One entry per account whose calls failed, with the call and the server's message.
  returned: always
  type: list
  elements: dict
  contains:
    username:
      description: The account.
      type: str
      returned: always
    action:
      description: What was being done to it.
      type: str
      returned: always
    msg:
      description: The failed call (method and path) and the server's answer.
      type: str
      returned: always
  sample:
    - {username: meena, action: create, msg: "POST /api/v2.5/admin/users/: 400 email: Enter a valid email address."}
plan_digest:
  description:
    - With O(plan_file), a short digest of the plan's accounts (each one's state as read and the change planned),
      in check mode of the plan saved, in a normal run of the plan applied. The same digest in the review and in
      the apply says the apply did what was reviewed.
  returned: when O(plan_file) is set
  type: str
  sample: 3f9a0c1d5e7b2a46
guard:
  description:
    - What stopped a plan that removes more than O(max_removals) or O(max_removals_percent) allow; the task failed
      and wrote nothing. In check mode RV(summary) and RV(changes) hold the plan it stopped.
  returned: when the removal guard stopped the plan
  type: dict
  contains:
    removals:
      description: Everything the plan removes, as O(max_removals) counts it.
      type: int
      returned: always
    deleted:
      description: Accounts the plan deletes.
      type: int
      returned: always
    deactivated:
      description: Unlisted accounts the plan deactivates.
      type: int
      returned: always
    locked_out:
      description: Listed accounts the plan sets inactive or blocked, or whose subscriptions it ends in the past.
      type: int
      returned: always
    memberships_removed:
      description: Batch and course memberships the plan removes.
      type: int
      returned: always
    exceeded:
      description: Each limit the plan passes, with the value that would let it through.
      type: list
      elements: dict
      returned: always
      contains:
        option:
          description: V(max_removals) or V(max_removals_percent).
          type: str
          returned: always
        limit:
          description: The option's value in this run.
          type: int
          returned: always
        needed:
          description: The least value of the option that lets the plan through.
          type: int
          returned: always
  sample:
    removals: 10
    deleted: 0
    deactivated: 10
    locked_out: 0
    memberships_removed: 0
    exceeded: [{option: max_removals_percent, limit: 10, needed: 76}]
diff:
  description:
    - With C(--diff), one item per changed account listed in RV(changes), so C(--diff) shows whose account each
      change is. Each holds
      the managed fields of the account and, when managed, its C(batches) and C(courses) as sorted lists of names.
  returned: when diff mode is on
  type: list
  elements: dict
  contains:
    before_header:
      description: The account and what happens to it, for example C(asha (update)).
      type: str
      returned: always
    after_header:
      description: The same as RV(diff[].before_header).
      type: str
      returned: always
    before:
      description: The account before the task (an account about to be created is empty).
      type: dict
      returned: always
    after:
      description: The account after the task (a deleted account is empty).
      type: dict
      returned: always
'''

from ansible.module_utils.basic import env_fallback

from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule, backup_argument_spec, journal_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._progress import progress_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._entry import entry_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._tasks import run_roster


def main():
    argument_spec = dict(
        users=dict(type='list', elements='dict', options=entry_argument_spec()),
        src=dict(type='str'),
        initial_password=dict(type='str', no_log=True, fallback=(env_fallback, ['TESTPRESS_INITIAL_PASSWORD'])),
        auto_generate_password=dict(type='bool', default=False, no_log=False),
        notify_credential=dict(type='bool', default=False),
        membership=dict(type='str', choices=['present', 'exact'], default='present'),
        unlisted_users=dict(type='str', choices=['ignore', 'deactivate', 'delete'], default='ignore'),
        protected_users=dict(type='list', elements='str'),
        manage_protected=dict(type='bool', default=False),
        max_removals=dict(type='int', default=50),
        max_removals_percent=dict(type='int', default=10),
        update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
        concurrency=dict(type='int', default=8),
        max_changes_listed=dict(type='int', default=1000),
        changes_file=dict(type='path'),
        redact=dict(type='bool', default=False),
        plan_file=dict(type='path', fallback=(env_fallback, ['TESTPRESS_PLAN_FILE'])),
        plan_max_age=dict(type='str', default='24h'),
        **progress_argument_spec()
    )
    argument_spec.update(journal_argument_spec(), **backup_argument_spec())
    TestpressModule(argument_spec, mutually_exclusive=[('users', 'src')],
                    required_one_of=[('users', 'src')]).run(run_roster)


if __name__ == '__main__':
    main()
