#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_user_courses
short_description: Manage the courses a Testpress user is enrolled in
version_added: 0.1.0
description:
  - Enrols a user of a Testpress institute in courses, withdraws it from courses, or makes its courses exactly
    the listed ones.
  - Reads the user's courses first (every page) and sends only what differs, in at most one enrolling call and
    one withdrawing call, never a call with an empty list. Run again, it sends no write and reports no change.
  - Every course title or slug is looked up and checked before the first write; one that is unknown or
    ambiguous fails the task and changes nothing.
author: Testpress LMS collection contributors (@testpress)
options:
  username:
    description:
      - Username of the student, matched exactly (the API's search of users matches substrings; the exact one is picked).
      - Give either O(username) or O(user_id), not both.
    type: str
  user_id:
    description:
      - Id of the student, in place of O(username).
    type: int
  courses:
    type: list
    elements: raw
    required: true
    description:
      - The courses, each an integer (a course id) or a string (a course title or slug, matched exactly and with case).
      - A number in quotes, such as V("101"), is a title or slug, never an id.
      - A title or slug that names no course, or several, fails the task before any write and the error lists
        courses with similar titles. Use the id of a course whose title is shared.
      - An empty list with O(state=exact) withdraws the student from all courses.
  state:
    description:
      - V(present) enrols the student in each listed course it lacks; its other courses stay.
      - V(absent) withdraws the student from each listed course it has; the others are skipped.
      - V(exact) leaves the student with the listed courses only, enrolling and withdrawing as needed.
    type: str
    choices: [present, absent, exact]
    default: present
notes:
  - In check mode the module sends C(GET) requests only.
  - When the student does not exist the task fails and nothing is written. Check mode is the exception; the listed
    courses, still looked up and checked, are reported as would-be-added, so an audit (C(--check)) of a playbook
    that creates the account with M(testpress.lms.testpress_user) and then enrols it does not stop there.
seealso:
  - module: testpress.lms.testpress_user
    description: Creates the account to enrol.
  - module: testpress.lms.testpress_user_batches
    description: Batch membership and subscription end dates.
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.journal
  - testpress.lms.attributes
'''

EXAMPLES = r'''
- name: Enrol john in two courses, one by title and one by slug
  testpress.lms.testpress_user_courses:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: john
    courses:
      - Language training
      - entrance-coaching

- name: Enrol johnny in a course by its id
  testpress.lms.testpress_user_courses:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: johnny
    courses: [278]

- name: TD is the only course jdoe takes
  testpress.lms.testpress_user_courses:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: jdoe
    courses: [TD]
    state: exact

- name: Withdraw john from a course
  testpress.lms.testpress_user_courses:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: john
    courses: [Master of Business Administration]
    state: absent
'''

RETURN = r'''
courses:
  description:
    - The student's courses after the task, as read back from the API; in check mode, as the task would leave them.
  type: list
  elements: dict
  returned: success
  contains:
    id:
      description: Course id.
      type: int
      returned: success
    name:
      description: Course title (the same as RV(courses[].title)), under the key every membership module uses.
      type: str
      returned: success
    title:
      description: Course title.
      type: str
      returned: success
    slug:
      description: Course slug.
      type: str
      returned: success
  sample:
    - {id: 279, name: Language training, title: Language training, slug: language-training}
added:
  description: Courses the student was enrolled in (in check mode, would be), each with its RV(courses[].id) and RV(courses[].name).
  returned: success
  type: list
  elements: dict
  sample:
    - {id: 280, name: Entrance Coaching}
removed:
  description: Courses the student was withdrawn from (in check mode, would be), each with its RV(courses[].id) and
    RV(courses[].name).
  returned: success
  type: list
  elements: dict
  sample:
    - {id: 278, name: Master of Business Administration}
user_id:
  description: Id of the student; V(null) when, in check mode, the account does not exist yet.
  returned: success
  type: int
  sample: 1882
diff:
  description: With C(--diff), the course titles before and after the task, under C(courses), each a sorted list.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Titles before the task.
      type: dict
      returned: when diff mode is on
    after:
      description: Titles after the task.
      type: dict
      returned: when diff mode is on
  sample:
    before: {courses: [Language training, Master of Business Administration]}
    after: {courses: [Language training, TD]}
'''

from functools import partial

from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule
from ansible_collections.testpress.lms.plugins.module_utils._tasks import membership_argument_spec, run_membership


def main():
    module = TestpressModule(membership_argument_spec('courses'), mutually_exclusive=[('username', 'user_id')],
                             required_one_of=[('username', 'user_id')])
    module.run(partial(run_membership, option='courses'))


if __name__ == '__main__':
    main()
