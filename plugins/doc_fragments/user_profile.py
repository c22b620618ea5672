# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The profile options of an account, one per row of _users.USER_FIELDS (a unit test keeps them in step)."""

    DOCUMENTATION = r'''
options:
  first_name:
    description:
      - First name. An option left out is not managed; V("") makes the field empty (the same for every text option).
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
      - State as an ISO 3166-2:IN code, for example V(IN-TN). Old codes (V(IN-OR), V(IN-UT), V(IN-TS), ...) are
        accepted and equal their current code, and so is the state's name as the API reads it back (V(Tamil Nadu)).
      - The API calls this field C(state), a name Ansible reserves. It may read it back as the state's name;
        the module compares codes.
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
      - Names compare without regard to case. Only the fields listed are managed; the others keep their values.
      - Values are compared as strings.
    type: dict
'''
