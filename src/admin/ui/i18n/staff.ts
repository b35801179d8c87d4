import type { Dictionary } from '../i18n';

/** Words of the staff administration page (/admin/staff). */
export const staff: Dictionary = {
  'nav.staff': { ja: '職員', en: 'Staff' },
  'staff.title': { ja: '職員の管理', en: 'Staff' },
  'staff.help': {
    ja: '役割・所属の変更や無効化をすると、その職員のログイン中のセッションとAPIトークンはすべて直ちに終了します。',
    en: "Changing a role or scope, or disabling a user, ends all of that user's sessions and API tokens at once.",
  },
  'staff.email': { ja: 'メールアドレス', en: 'E-mail' },
  'staff.name': { ja: '表示名', en: 'Name' },
  'staff.role': { ja: '役割', en: 'Role' },
  'staff.scope': { ja: '所属コード（保健所・都道府県・国）', en: 'Jurisdiction code' },
  'staff.institution': { ja: '医療機関コード（医療機関の場合）', en: 'Institution code (clinicians)' },
  'staff.state': { ja: '状態', en: 'State' },
  'staff.active': { ja: '有効', en: 'Active' },
  'staff.disabled': { ja: '無効', en: 'Disabled' },
  'staff.change': { ja: '役割・所属を変更', en: 'Change role and scope' },
  'staff.disable': { ja: '無効にする', en: 'Disable' },
  'staff.enable': { ja: '有効にする', en: 'Enable' },
  'staff.changed': { ja: '変更しました。この職員のセッションとAPIトークンは終了しました。', en: "Changed. The user's sessions and API tokens have ended." },
  'staff.unchanged': { ja: '変更はありませんでした。', en: 'Nothing changed.' },
  'staff.empty': { ja: '管轄内の職員はいません', en: 'No staff within your jurisdiction' },
};
