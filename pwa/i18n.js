/**
 * English and Simplified Chinese, both complete; chosen from the browser, switchable.
 * Record names come from their `names` / `labels` translations when present.
 */

const STRINGS = {
  en: {
    app_name: 'Estate Patrol',
    language: 'Language',
    login_title: 'Log in',
    username: 'Username',
    password: 'Password',
    device_name: 'Name of this phone',
    log_in: 'Log in',
    log_out: 'Log out',
    logging_in: 'Logging in…',
    login_offline: 'You are offline. Logging in needs a connection once.',
    nav_checkpoints: 'Checkpoints',
    nav_inspections: 'Inspections',
    nav_findings: 'Findings',
    nav_sync: 'Sync',
    search_placeholder: 'Name or code, e.g. HY-A-B1',
    search_label: 'Find a checkpoint',
    scan_qr: 'Scan QR label',
    scan_stop: 'Stop scanning',
    scan_unsupported: 'This browser cannot scan codes; type the code instead.',
    scan_no_match: 'No checkpoint has the code {code}.',
    no_checkpoints: 'No checkpoints match.',
    site: 'Site',
    start_inspection: 'Start: {template}',
    no_templates: 'No checklist fits this checkpoint.',
    past_inspections: 'Inspections here',
    inspection: 'Inspection',
    draft_saved: 'Draft saved on this phone',
    pass: 'Pass',
    fail: 'Fail',
    na: 'N/A',
    out_of_range: 'Outside {min}–{max}: counts as a fail',
    in_range: 'Within limits',
    add_note: 'Note',
    add_photo: 'Take photo',
    remove_photo: 'Remove photo',
    raise_finding: 'Raise a finding',
    new_finding: 'New finding',
    finding: 'Finding',
    title: 'Title',
    description: 'Description',
    severity: 'Severity',
    category: 'Category',
    save_finding: 'Save finding',
    submit: 'Submit inspection',
    submitted: 'Submitted',
    missing_required: 'Answer every required item first ({count} left).',
    status_draft: 'Draft',
    status_submitted: 'Submitted',
    status_reviewed: 'Reviewed',
    status_open: 'Open',
    status_assigned: 'Assigned',
    status_in_progress: 'In progress',
    status_fixed: 'Fixed',
    status_closed: 'Closed',
    status_cancelled: 'Cancelled',
    severity_low: 'Low',
    severity_medium: 'Medium',
    severity_high: 'High',
    severity_critical: 'Critical',
    category_cleaning: 'Cleaning',
    category_greening: 'Greening',
    category_fire: 'Fire',
    category_decoration: 'Decoration',
    category_other: 'Other',
    no_inspections: 'No inspections yet.',
    no_findings: 'No findings yet.',
    due: 'Due {date}',
    fix_note: 'Fix',
    photos: 'Photos',
    sync_now: 'Sync now',
    offline: 'Offline',
    syncing: 'Syncing…',
    waiting: 'Waiting: {changes} changes, {photos} photos',
    all_synced: 'All changes synced · {time}',
    never_synced: 'Not synced yet',
    uploading: 'Uploading photo {index} of {count} ({percent}%)',
    sync_error: 'Sync failed: {message}',
    relogin: 'Log in again to send your changes.',
    needs_you: 'Needs your attention',
    conflict_notice: '{type}: your change to {fields} was not kept; the server kept another edit.',
    rejected_notice: '{type}: refused: {message}',
    dismiss: 'Dismiss',
    storage_persisted: 'Storage on this phone is protected from clean-up.',
    storage_not_persisted: 'The browser may clear this app’s storage when space runs low. Install the app to the home screen to protect it.',
    storage_cleared: 'This phone’s app storage was cleared; anything not synced before is gone.',
    update_available: 'A new version of the app is ready.',
    update_now: 'Update now',
    signed_in_as: 'Signed in as {name} ({role})',
    role_not_ready: 'The screens for the {role} role are not in this version yet. Inspectors can use the app now.',
    back: 'Back',
    required: 'required',
    last_sync: 'Last full sync',
  },
  zh: {
    app_name: '物业巡检',
    language: '语言',
    login_title: '登录',
    username: '用户名',
    password: '密码',
    device_name: '本机名称',
    log_in: '登录',
    log_out: '退出登录',
    logging_in: '正在登录…',
    login_offline: '当前离线。首次登录需要联网。',
    nav_checkpoints: '巡检点',
    nav_inspections: '检查记录',
    nav_findings: '问题',
    nav_sync: '同步',
    search_placeholder: '名称或编码，如 HY-A-B1',
    search_label: '查找巡检点',
    scan_qr: '扫描二维码',
    scan_stop: '停止扫描',
    scan_unsupported: '此浏览器不支持扫码，请输入编码。',
    scan_no_match: '没有编码为 {code} 的巡检点。',
    no_checkpoints: '没有匹配的巡检点。',
    site: '项目',
    start_inspection: '开始：{template}',
    no_templates: '没有适用于此巡检点的检查表。',
    past_inspections: '此处的检查记录',
    inspection: '检查',
    draft_saved: '草稿已保存在本机',
    pass: '合格',
    fail: '不合格',
    na: '不适用',
    out_of_range: '超出 {min}–{max}：判为不合格',
    in_range: '在范围内',
    add_note: '备注',
    add_photo: '拍照',
    remove_photo: '删除照片',
    raise_finding: '登记问题',
    new_finding: '新问题',
    finding: '问题',
    title: '标题',
    description: '描述',
    severity: '严重程度',
    category: '类别',
    save_finding: '保存问题',
    submit: '提交检查',
    submitted: '已提交',
    missing_required: '请先完成所有必填项（还剩 {count} 项）。',
    status_draft: '草稿',
    status_submitted: '已提交',
    status_reviewed: '已审核',
    status_open: '待处理',
    status_assigned: '已派单',
    status_in_progress: '整改中',
    status_fixed: '已整改',
    status_closed: '已关闭',
    status_cancelled: '已取消',
    severity_low: '轻微',
    severity_medium: '一般',
    severity_high: '严重',
    severity_critical: '紧急',
    category_cleaning: '保洁',
    category_greening: '绿化',
    category_fire: '消防',
    category_decoration: '装修',
    category_other: '其他',
    no_inspections: '暂无检查记录。',
    no_findings: '暂无问题。',
    due: '期限 {date}',
    fix_note: '整改说明',
    photos: '照片',
    sync_now: '立即同步',
    offline: '离线',
    syncing: '正在同步…',
    waiting: '{changes} 项更改、{photos} 张照片待上传',
    all_synced: '已全部同步 · {time}',
    never_synced: '尚未同步',
    uploading: '正在上传第 {index}/{count} 张照片（{percent}%）',
    sync_error: '同步失败：{message}',
    relogin: '请重新登录以上传您的更改。',
    needs_you: '需要您处理',
    conflict_notice: '{type}：您对 {fields} 的修改未被保留，服务器保留了另一处修改。',
    rejected_notice: '{type}：被拒绝：{message}',
    dismiss: '知道了',
    storage_persisted: '本机存储已受保护，不会被自动清理。',
    storage_not_persisted: '空间不足时浏览器可能清除本应用的数据。请将应用添加到主屏幕以保护数据。',
    storage_cleared: '本机的应用数据已被清除，之前未同步的内容已丢失。',
    update_available: '应用新版本已就绪。',
    update_now: '立即更新',
    signed_in_as: '当前用户：{name}（{role}）',
    role_not_ready: '此版本尚未提供“{role}”角色的界面。巡检员现在即可使用。',
    back: '返回',
    required: '必填',
    last_sync: '上次完整同步',
  },
};

export const LANGUAGES = { en: { short: 'EN', name: 'English' }, zh: { short: '中文', name: '简体中文' } };
let language = chooseLanguage();

function chooseLanguage() {
  const saved = localStorage.getItem('estate-patrol-language');
  if (saved && STRINGS[saved]) return saved;
  return (navigator.languages || [navigator.language]).some((tag) => tag?.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

export const currentLanguage = () => language;

export function setLanguage(code) {
  language = STRINGS[code] ? code : 'en';
  localStorage.setItem('estate-patrol-language', language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

/** The text for `key` in the current language, with {placeholders} filled in. */
export function t(key, params = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A record's or item's name in the current language, from its translations if it has them. */
export function localName(fields, base = 'name', translations = 'names') {
  return (language !== 'en' && fields?.[translations]?.[language]) || fields?.[base] || '';
}

export function formatTime(iso) {
  return new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}

/** Keys that English has and Chinese lacks; the tests expect none. */
export function missingTranslations() {
  const missing = Object.keys(STRINGS.en).filter((key) => !(key in STRINGS.zh));
  return missing;
}
