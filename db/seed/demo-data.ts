/** Demo health centres, staff and persons for `npm run cli -- seed-demo`. All fictitious. */
export const DEMO_CENTRES = [
  { code: '13-shinjuku', prefecture: '13', ja: '新宿区保健所', en: 'Shinjuku City Public Health Center', phone: '03-5273-3000' },
  { code: '13-setagaya', prefecture: '13', ja: '世田谷保健所', en: 'Setagaya Public Health Center', phone: '03-5432-2000' },
  { code: '27-osaka-city', prefecture: '27', ja: '大阪市保健所', en: 'Osaka City Public Health Center', phone: '06-6647-0000' },
  { code: '27-sakai', prefecture: '27', ja: '堺市保健所', en: 'Sakai City Public Health Center', phone: '072-222-0000' },
] as const;

export const DEMO_INSTITUTION = { code: 'inst-13-001', name: '新宿みまもりクリニック', jurisdiction: '13-shinjuku' } as const;

export const DEMO_PASSWORD = 'kyou-mo-genki-desu-ka'; // 今日も元気ですか: long, not built on the service or e-mail (the password check refuses those)

export const DEMO_STAFF = [
  { email: 'nurse@demo.mimamori.jp', name: '看護 花子', role: 'nurse', jurisdiction: '13-shinjuku' },
  { email: 'nurse.setagaya@demo.mimamori.jp', name: '世田谷 看護', role: 'nurse', jurisdiction: '13-setagaya' },
  { email: 'admin@demo.mimamori.jp', name: '所長 一郎', role: 'centre_admin', jurisdiction: '13-shinjuku' },
  { email: 'tokyo@demo.mimamori.jp', name: '東京都 担当', role: 'prefecture_officer', jurisdiction: '13' },
  { email: 'national@demo.mimamori.jp', name: '厚労省 担当', role: 'national_officer', jurisdiction: 'JP' },
  { email: 'clinic@demo.mimamori.jp', name: '医師 次郎', role: 'clinician', institution: DEMO_INSTITUTION.code },
] as const;

type Demo = {
  caseNumber: string;
  name: string;
  nameKana: string;
  dateOfBirth: string;
  sex: 'male' | 'female';
  centre: string;
  classification: 'confirmed' | 'close_contact' | 'suspected' | 'asymptomatic';
  channel: 'line' | 'sms' | 'voice' | 'web';
  phone?: string;
  hasOximeter?: boolean;
  underlyingConditions?: string[];
  /** Temperatures of the last days, oldest first: the demo's trend. */
  temperatures: number[];
};

export const DEMO_PERSONS: Demo[] = [
  { caseNumber: 'D-0001', name: '見守 太郎', nameKana: 'ミマモリ タロウ', dateOfBirth: '1958-04-02', sex: 'male', centre: '13-shinjuku', classification: 'confirmed', channel: 'web', phone: '090-0000-0001', hasOximeter: true, underlyingConditions: ['高血圧'], temperatures: [37.6, 37.8, 37.9] },
  { caseNumber: 'D-0002', name: '健康 花子', nameKana: 'ケンコウ ハナコ', dateOfBirth: '1990-09-15', sex: 'female', centre: '13-shinjuku', classification: 'confirmed', channel: 'line', hasOximeter: true, temperatures: [37.2, 36.9, 36.6] },
  { caseNumber: 'D-0003', name: '接触 次郎', nameKana: 'セッショク ジロウ', dateOfBirth: '1985-01-20', sex: 'male', centre: '13-shinjuku', classification: 'close_contact', channel: 'sms', phone: '090-0000-0003', temperatures: [36.5, 36.4] },
  { caseNumber: 'D-0004', name: '高齢 ウメ', nameKana: 'コウレイ ウメ', dateOfBirth: '1941-12-01', sex: 'female', centre: '13-shinjuku', classification: 'confirmed', channel: 'voice', phone: '03-0000-0004', temperatures: [37.0, 37.4, 38.2] },
  { caseNumber: 'D-0005', name: '世田谷 三郎', nameKana: 'セタガヤ サブロウ', dateOfBirth: '1979-06-30', sex: 'male', centre: '13-setagaya', classification: 'confirmed', channel: 'line', hasOximeter: true, temperatures: [38.1, 37.5, 36.8] },
  { caseNumber: 'D-0006', name: '浪速 よしこ', nameKana: 'ナニワ ヨシコ', dateOfBirth: '1968-03-03', sex: 'female', centre: '27-osaka-city', classification: 'suspected', channel: 'sms', phone: '080-0000-0006', temperatures: [37.3, 37.1] },
  { caseNumber: 'D-0007', name: '堺 健一', nameKana: 'サカイ ケンイチ', dateOfBirth: '2001-11-11', sex: 'male', centre: '27-sakai', classification: 'close_contact', channel: 'web', phone: '070-0000-0007', temperatures: [36.6] },
];
