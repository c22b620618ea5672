# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every date the collection takes or reads: both spellings, one ISO value, strict shapes."""

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _dates
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError


@pytest.mark.parametrize('value', ['2026-12-31', ' 2026-12-31 ', '31/12/2026', '31/12/2026\t'])
def test_either_spelling_is_one_iso_date(value):
    assert _dates.desired('expires', value) == '2026-12-31'


@pytest.mark.parametrize('value', ['2026-2-3', '12/31/2026', '2026-02-30', '31.12.2026', 'soon', '2026-12-31T00:00:00'])
def test_anything_else_is_an_input_error_naming_the_option(value):
    with pytest.raises(InputError, match=r"^birth_date: .* is not a date; use YYYY-MM-DD or DD/MM/YYYY"):
        _dates.desired('birth_date', value)


def test_empty_stays_empty_and_a_day_first_date_may_drop_its_zeros():
    assert _dates.desired('birth_date', '  ') == '' and _dates.desired('birth_date', None) == ''
    assert _dates.desired('birth_date', '3/7/2006') == '2006-07-03'


@pytest.mark.parametrize('value, iso', [('03/07/2006', '2006-07-03'), ('2006-07-03', '2006-07-03'),
                                        ('2031-03-31T23:59:59Z', '2031-03-31'), (None, ''), ('', ''), ('n/a', '')])
def test_a_read_takes_what_the_api_answers(value, iso):
    assert _dates.read(value) == iso


def test_the_api_is_sent_day_first():
    assert _dates.to_api('2006-07-03') == '03/07/2006' and _dates.to_api('') is None
