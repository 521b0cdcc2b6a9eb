<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name></name>
    <message>
        <source>Feed credentials</source>
        <translation>フィードの認証情報</translation>
    </message>
    <message>
        <source>This system has no keychain, so the feed&apos;s token cannot be stored.
Enter it for this session (leave empty if the feed needs none):</source>
        <translation>このシステムにはキーチェーンがないため、フィードのトークンを保存できません。
このセッション用に入力してください（不要なら空欄のまま）：</translation>
    </message>
    <message>
        <source>Wallboard — demo</source>
        <translation>ウォールボード — デモ</translation>
    </message>
    <message>
        <source>Wallboard</source>
        <translation>ウォールボード</translation>
    </message>
    <message>
        <source>No keychain on this system: the feed&apos;s token is not stored</source>
        <translation>キーチェーンがありません：フィードのトークンは保存されません</translation>
    </message>
    <message>
        <source>No keychain on this system: give this TV its token with feed.credential = &quot;env:VAR&quot;</source>
        <translation>キーチェーンがありません：このテレビには feed.credential = &quot;env:VAR&quot; でトークンを渡してください</translation>
    </message>
    <message>
        <source>Keychain: {0}</source>
        <translation>キーチェーン：{0}</translation>
    </message>
    <message>
        <source>An internal error was logged ({0}); the board keeps running.</source>
        <translation>内部エラーを記録しました（{0}）。ボードは動作を続けます。</translation>
    </message>
    <message>
        <source>LISTENING (silent)</source>
        <translation>聞き耳中（こちらの声は届きません）</translation>
    </message>
    <message>
        <source>WHISPERING to the agent</source>
        <translation>ささやき中（オペレーターだけに聞こえます）</translation>
    </message>
    <message>
        <source>BARGED IN: both hear you</source>
        <translation>割り込み中（双方に聞こえます）</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>聞き耳</translation>
    </message>
    <message>
        <source>Whisper</source>
        <translation>ささやき</translation>
    </message>
    <message>
        <source>Barge</source>
        <translation>割り込み</translation>
    </message>
    <message>
        <source>the agent is not on a call</source>
        <translation>オペレーターは通話中ではありません</translation>
    </message>
    <message>
        <source>not allowed</source>
        <translation>権限がありません</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>not supported here</source>
        <translation>このサーバーでは使えません</translation>
    </message>
    <message>
        <source>your phone could not be reached</source>
        <translation>あなたの電話につながりませんでした</translation>
    </message>
    <message>
        <source>no answer from the server</source>
        <translation>サーバーから応答がありません</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <source>bad request</source>
        <translation>不正な要求</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>停止しました</translation>
    </message>
    <message>
        <source>the call ended</source>
        <translation>通話が終了しました</translation>
    </message>
    <message>
        <source>this board disconnected</source>
        <translation>このボードの接続が切れました</translation>
    </message>
    <message>
        <source>connection to the feed lost</source>
        <translation>フィードとの接続が切れました</translation>
    </message>
    <message>
        <source>the agent&apos;s call could not be joined</source>
        <translation>オペレーターの通話に入れませんでした</translation>
    </message>
    <message>
        <source>your phone hung up</source>
        <translation>あなたの電話が切れました</translation>
    </message>
    <message>
        <source>the agent&apos;s phone could not be found on the PBX</source>
        <translation>オペレーターの電話機がPBXで見つかりません</translation>
    </message>
    <message>
        <source>the PBX refused to ring your phone</source>
        <translation>PBXがあなたの電話機の呼び出しを拒否しました</translation>
    </message>
    <message>
        <source>the PBX could not connect the call&apos;s audio to the bridge (its audio address)</source>
        <translation>PBXが通話の音声をブリッジにつなげませんでした（音声の接続先アドレス）</translation>
    </message>
    <message>
        <source>the PBX refused to hang up your phone&apos;s leg</source>
        <extracomment>Why a session could not be ended: the supervisor may still be on the call, and heard.</extracomment>
        <translation>PBXがあなたの通話レッグの切断を拒否しました</translation>
    </message>
    <message>
        <source>the PBX has not confirmed that your phone&apos;s leg hung up</source>
        <translation>あなたの通話レッグの切断をPBXがまだ確認していません</translation>
    </message>
    <message>
        <source>the bridge lost its link to the PBX and cannot end your leg</source>
        <translation>ブリッジがPBXとの接続を失い、あなたの通話レッグを切断できません</translation>
    </message>
    <message>
        <source>missed calls</source>
        <translation>不応答</translation>
    </message>
    <message>
        <source>not taking calls</source>
        <translation>受付停止</translation>
    </message>
    <message>
        <source>Monitoring is off on this feed: {0}</source>
        <translation>このフィードではモニタリングは使えません：{0}</translation>
    </message>
    <message>
        <source>This board is view-only</source>
        <translation>このボードは表示専用です</translation>
    </message>
    <message>
        <source>Set your phone (--endpoint) to monitor calls</source>
        <translation>モニタリングするには電話（--endpoint）を設定してください</translation>
    </message>
    <message>
        <source>{0}: done</source>
        <translation>{0}：完了</translation>
    </message>
    <message>
        <source>Listen → {0}</source>
        <translation>聞き耳 → {0}</translation>
    </message>
    <message>
        <source>{0} → {1}</source>
        <translation>{0} → {1}</translation>
    </message>
    <message>
        <source>Stop → {0}</source>
        <translation>停止 → {0}</translation>
    </message>
    <message>
        <source>this board plays no sound</source>
        <translation>このボードは音声を再生しません</translation>
    </message>
    <message>
        <source>No sound: {0}</source>
        <translation>音声なし：{0}</translation>
    </message>
    <message>
        <source>Connected: you hear the call here</source>
        <translation>接続しました：この画面で通話が聞こえます</translation>
    </message>
    <message>
        <source>Connected: your phone is on the call</source>
        <translation>接続しました：あなたの電話が通話に入りました</translation>
    </message>
    <message>
        <source>COULD NOT END: {0} — hang up your phone</source>
        <translation>終了できません：{0} — 電話機を切ってください</translation>
    </message>
    <message>
        <source>Session ended: {0}</source>
        <translation>セッション終了：{0}</translation>
    </message>
    <message>
        <source>L listens to {0} here (headset); W whispers, B barges (hold Space to talk); Esc stops.</source>
        <translation>L で {0} をこのパソコン（ヘッドセット）で聞き耳、W でささやき、B で割り込み（話すときは Space を押したまま）、Esc で停止。</translation>
    </message>
    <message>
        <source> (no sound here: {0})</source>
        <translation>（この端末では音声が使えません：{0}）</translation>
    </message>
    <message>
        <source>L listens to {0} on your phone{1}; then W whispers, B barges; Esc stops.</source>
        <translation>L で {0} を電話で聞き耳{1}。その後 W でささやき、B で割り込み、Esc で停止。</translation>
    </message>
    <message>
        <source>Talk (hold Space)</source>
        <translation>話す（Space 長押し）</translation>
    </message>
    <message>
        <source>NO SOUND: {0}</source>
        <translation>音声なし：{0}</translation>
    </message>
    <message>
        <source>MIC ON: you are heard</source>
        <translation>マイク オン：あなたの声が届いています</translation>
    </message>
    <message>
        <source>mic off: hold Space to talk</source>
        <translation>マイク オフ：話すときは Space を押したまま</translation>
    </message>
    <message>
        <source>mic off</source>
        <translation>マイク オフ</translation>
    </message>
    <message>
        <source>Whisper (W)</source>
        <translation>ささやき (W)</translation>
    </message>
    <message>
        <source>Barge (B)</source>
        <translation>割り込み (B)</translation>
    </message>
    <message>
        <source>Listen (L)</source>
        <translation>聞き耳 (L)</translation>
    </message>
    <message>
        <source>■ Stop (Esc)</source>
        <translation>■ 停止 (Esc)</translation>
    </message>
    <message>
        <source>Keep mic open</source>
        <translation>マイクを開いたままにする</translation>
    </message>
    <message>
        <source>⚠ COULD NOT END — {0}: you may still be heard. Hang up your phone. ({1})</source>
        <translation>⚠ 終了できません — {0}。あなたの声がまだ聞こえている可能性があります。電話機を切ってください。（{1}）</translation>
    </message>
    <message>
        <source>calling your phone {0}…</source>
        <translation>あなたの電話 {0} を呼び出し中…</translation>
    </message>
    <message>
        <source>connecting the call&apos;s audio…</source>
        <translation>通話の音声に接続中…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>接続中</translation>
    </message>
    <message>
        <source>ending: waiting for the PBX to confirm…</source>
        <translation>終了中：PBXの確認待ち…</translation>
    </message>
    <message>
        <source>call {0}</source>
        <translation>通話 {0}</translation>
    </message>
    <message>
        <source>All queues</source>
        <extracomment>A slot on a card: (font kind, x, y, width, right-aligned).</extracomment>
        <translation>全キュー</translation>
    </message>
    <message>
        <source>Agents {0}/{1} free</source>
        <translation>空き {0}/{1} 人</translation>
    </message>
    <message>
        <source>Max today</source>
        <translation>本日最長</translation>
    </message>
    <message>
        <source>The clock on a tile is the time in the current state, on the server&apos;s clock; “Call” is the call&apos;s own duration when it differs.</source>
        <translation>タイルの時計は今の状態の経過時間（サーバーの時計）。「通話」はそれと異なるときの通話時間です。</translation>
    </message>
    <message>
        <source>Agent tiles</source>
        <translation>オペレーターのタイル</translation>
    </message>
    <message>
        <source>the agent asked for help (手上げ); pulses until acknowledged</source>
        <translation>オペレーターの手上げ。確認されるまでゆっくり明滅</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>モニタリング</translation>
    </message>
    <message>
        <source>you are listening: nobody hears you</source>
        <translation>モニタリング中：あなたの声は誰にも聞こえません</translation>
    </message>
    <message>
        <source>you are whispering or barged in: you can be heard</source>
        <translation>ささやき・割り込み中：あなたの声が聞こえます</translation>
    </message>
    <message>
        <source>the session could not be ended: hang up your phone</source>
        <translation>終了できませんでした：電話を切ってください</translation>
    </message>
    <message>
        <source>Is it live?</source>
        <translation>ライブかどうか</translation>
    </message>
    <message>
        <source>the figures are the floor as it is now</source>
        <translation>数字は今のフロアそのものです</translation>
    </message>
    <message>
        <source>not live: stale, behind, reconnecting, refused or the PBX down; a band over the figures says why and how old they are</source>
        <translation>ライブではありません（停止・遅延・再接続中・拒否・PBX停止）。数字の上の帯が理由と古さを示します</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>Waiting</source>
        <extracomment>per figure, the widest value it will show (None: the figures share the cell equally); widths come from these, not from today&apos;s values, so cells never jiggle as the numbers change</extracomment>
        <translation>待ち呼</translation>
    </message>
    <message>
        <source>callers in a queue, not yet answered (待ち呼)</source>
        <translation>キューで応答を待っている呼</translation>
    </message>
    <message>
        <source>how long the caller waiting longest has waited (最長待ち)</source>
        <translation>いちばん長く待っている呼の待ち時間</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>放棄呼</translation>
    </message>
    <message>
        <source>callers who hung up before an answer, today (放棄呼); short abandons excluded</source>
        <translation>応答前に切れた呼（本日）。短時間放棄は除きます</translation>
    </message>
    <message>
        <source>Service level</source>
        <translation>サービスレベル</translation>
    </message>
    <message>
        <source>{0}; {1} at or above target, {2} below</source>
        <translation>{0}。目標以上は {1}、目標未満は {2}</translation>
    </message>
    <message>
        <source>A frame on a figure that sums queues (the TV’s key strip) means a queue has an alert of that kind — a long wait, many waiting, a low service level; its queue card says which.</source>
        <translation>キューを合計した数字（TVのキー指標の帯）の枠は、どこかのキューにその種類のアラートがあることを示します（長い待ち、待ち呼の多さ、サービスレベルの低下）。どのキューかはキューカードに出ます。</translation>
    </message>
    <message>
        <source>warning: a dashed frame and △ in its corner (e.g. a call over 10 min)</source>
        <translation>警告：破線の枠と隅の △（例：通話10分超）</translation>
    </message>
    <message>
        <source>critical: a solid frame and ▲ in its corner; it pulses slowly until acknowledged</source>
        <translation>重大：実線の枠と隅の ▲。確認されるまでゆっくり明滅</translation>
    </message>
    <message>
        <source>answer rate</source>
        <translation>応答率</translation>
    </message>
    <message>
        <source>answered ÷ offered (応答率)</source>
        <translation>応答数 ÷ 着信数</translation>
    </message>
    <message>
        <source>average handle time: talk + hold + wrap-up</source>
        <translation>平均処理時間：通話＋保留＋後処理</translation>
    </message>
    <message>
        <source>agents available now, of those logged in</source>
        <translation>ログイン中のうち、いま待機中のオペレーター</translation>
    </message>
    <message>
        <source>a queue group: its queues summed</source>
        <translation>キューグループ：含まれるキューの合計</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>凡例</translation>
    </message>
    <message>
        <source>Longest</source>
        <translation>最長待ち</translation>
    </message>
    <message>
        <source>Aband. %</source>
        <translation>放棄率</translation>
    </message>
    <message>
        <source>ASA</source>
        <translation>平均応答</translation>
    </message>
    <message>
        <source>average wait of answered calls</source>
        <translation>応答した呼の平均待ち時間</translation>
    </message>
    <message>
        <source>AHT</source>
        <translation>平均処理</translation>
    </message>
    <message>
        <source>Available</source>
        <extracomment>Roles that carry a meaning (the distinctness test compares these with each other and the states). A monitoring mode&apos;s colour (listen is silent; whisper and barge can be heard). state: ((band, tint, words) standard, (band, words) high contrast on HC_TINT, glyph, label)</extracomment>
        <translation>待機中</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>呼出中</translation>
    </message>
    <message>
        <source>On call</source>
        <translation>通話中</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>保留中</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>後処理</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>離席</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>取込中</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>ログオフ</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0}秒</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0}分{1}秒</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0}時間{1}分</translation>
    </message>
    <message>
        <source>connection refused by {0}</source>
        <extracomment>{0}: the source&apos;s detail (its specifics); an unknown reason shows the detail alone.</extracomment>
        <translation>{0}が接続を拒否</translation>
    </message>
    <message>
        <source>no answer from {0}</source>
        <translation>{0}から応答なし</translation>
    </message>
    <message>
        <source>connection lost ({0})</source>
        <translation>接続が切れました（{0}）</translation>
    </message>
    <message>
        <source>wrong user or secret ({0})</source>
        <translation>ユーザー名またはシークレットが違います（{0}）</translation>
    </message>
    <message>
        <source>login refused ({0})</source>
        <translation>ログインが拒否されました（{0}）</translation>
    </message>
    <message>
        <source>the queue module is not loaded yet ({0})</source>
        <translation>キューのモジュールがまだ読み込まれていません（{0}）</translation>
    </message>
    <message>
        <source>the floor could not be read ({0})</source>
        <translation>フロアの状態を読み取れません（{0}）</translation>
    </message>
    <message>
        <source>internal error ({0}); reconnecting</source>
        <translation>内部エラー（{0}）。再接続します</translation>
    </message>
    <message>
        <source>no word from site {0}&apos;s bridge</source>
        <translation>拠点 {0} のブリッジから応答なし</translation>
    </message>
    <message>
        <source>the relay&apos;s broker is out of reach ({0})</source>
        <translation>中継サーバーのブローカーに接続できません ({0})</translation>
    </message>
    <message>
        <source>NOT LIVE since {1}: {0}</source>
        <extracomment>A relay&apos;s own trouble is not its PBX&apos;s: said without &quot;PBX&quot;.</extracomment>
        <translation>{1}から更新なし：{0}</translation>
    </message>
    <message>
        <source>This feed does not offer that</source>
        <translation>このフィードでは使えません</translation>
    </message>
    <message>
        <source>Waiting for the server&apos;s answer…</source>
        <translation>サーバーの応答を待っています…</translation>
    </message>
    <message>
        <source>Listened</source>
        <translation>聞き耳</translation>
    </message>
    <message>
        <source>no audio output device</source>
        <extracomment>What the desk&apos;s sound says when there is none, in the board&apos;s language (anything else is shown as said).</extracomment>
        <translation>音声の出力装置がありません</translation>
    </message>
    <message>
        <source>the headset stopped (unplugged?)</source>
        <translation>ヘッドセットが止まりました（抜けていませんか）</translation>
    </message>
    <message>
        <source>the microphone stopped (unplugged?)</source>
        <translation>マイクが止まりました（抜けていませんか）</translation>
    </message>
    <message>
        <source>the sound library is not installed</source>
        <translation>音声ライブラリがインストールされていません</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>要対応</translation>
    </message>
    <message>
        <source>break</source>
        <extracomment>Pause reasons a PBX commonly sends, in the board&apos;s language; any other reason is shown as sent.</extracomment>
        <translation>休憩</translation>
    </message>
    <message>
        <source>lunch</source>
        <translation>昼食</translation>
    </message>
    <message>
        <source>meeting</source>
        <translation>会議</translation>
    </message>
    <message>
        <source>training</source>
        <translation>研修</translation>
    </message>
    <message>
        <source>coaching</source>
        <translation>指導</translation>
    </message>
    <message>
        <source>Call</source>
        <extracomment>States whose time means nothing to count: no clock on the tile. A laid-out figure, its width and that rounded up; a list of them drawn at (x, y) after the pictures. Events after which Qt&apos;s backing store may not hold the board&apos;s last paint (shown, scrolled, restyled): the next paint draws whole tiles. The same holds while the translucent not-live veil lies over the tiles (Qt paints it again over whatever a paint leaves: the bands would darken with every tick). Pixels around the digits restored with them (a bold glyph may overhang its advance by one).</extracomment>
        <translation>通話</translation>
    </message>
    <message>
        <source>No team</source>
        <translation>チームなし</translation>
    </message>
    <message>
        <source>{0} · {1} agents</source>
        <translation>{0} · {1}名</translation>
    </message>
    <message>
        <source>No agents yet</source>
        <extracomment>A tile never moves under the supervisor&apos;s pointer, nor for this long after a click (s). Paints of an unchanged agent before its tile gets a face: a face costs ~20 name draws to make (at 5,000 events/s 1,200 a second were made, each used once or twice: a tenth of the board&apos;s CPU). The calm pulse: a slow swell of the critical colour over a tile, one step every half second.</extracomment>
        <translation>オペレーターはまだいません</translation>
    </message>
    <message>
        <source>Unreadable data</source>
        <extracomment>(state, reason, direction, help, queue name, selected, monitor mode): everything a look shows. Tile sizes at scale 1: a desk&apos;s three rows, a TV&apos;s dense two. per agent: (agent, call, selected, look key, name, face); identity of the first two is the fast test</extracomment>
        <translation>読み取れないデータ</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>{0} ↑ outbound</source>
        <translation>{0} ↑ 発信</translation>
    </message>
    <message>
        <source>HELP</source>
        <translation>手上げ</translation>
    </message>
    <message>
        <source>answered ≤T ÷ (answered + abandoned &gt;T)</source>
        <translation>T秒以内の応答 ÷（応答 ＋ T秒超の放棄）</translation>
    </message>
    <message>
        <source>answered ≤T ÷ offered</source>
        <translation>T秒以内の応答 ÷ 着信</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <source>STALE — no data for {0}</source>
        <translation>データ停止 — {0}間 更新なし</translation>
    </message>
    <message>
        <source>BEHIND by {0} — the board cannot keep up</source>
        <translation>{0}遅延 — 表示が追いついていません</translation>
    </message>
    <message>
        <source>LIVE — {0} unreadable</source>
        <translation>ライブ — 読み取れない記録 {0}件</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>ライブ</translation>
    </message>
    <message>
        <source>Synchronising…</source>
        <translation>同期中…</translation>
    </message>
    <message>
        <source>REFUSED: {0} — data {1} old</source>
        <translation>接続拒否：{0} — データは{1}前のもの</translation>
    </message>
    <message>
        <source>REFUSED: {0} — no data yet</source>
        <translation>接続拒否：{0} — データはまだありません</translation>
    </message>
    <message>
        <source>RECONNECTING in {0:.0f} s ({1}) — data {2} old</source>
        <translation>再接続まで{0:.0f}秒（{1}）— データは{2}前のもの</translation>
    </message>
    <message>
        <source>RECONNECTING in {0:.0f} s ({1}) — no data yet</source>
        <translation>再接続まで{0:.0f}秒（{1}）— データはまだありません</translation>
    </message>
    <message>
        <source>Connecting… — data {0} old</source>
        <translation>接続中… — データは{0}前のもの</translation>
    </message>
    <message>
        <source>Connecting to the PBX…</source>
        <translation>PBXに接続中…</translation>
    </message>
    <message>
        <source>WAITING FOR THE PBX: {0}</source>
        <translation>PBX待ち：{0}</translation>
    </message>
    <message>
        <source>PBX LOGIN REFUSED: {0}</source>
        <translation>PBXがログインを拒否：{0}</translation>
    </message>
    <message>
        <source>PBX UNREACHABLE since {1} ({0})</source>
        <translation>{1}からPBXに接続できません（{0}）</translation>
    </message>
    <message>
        <source>PBX: {0} {1}</source>
        <translation>PBX：{0} {1}</translation>
    </message>
    <message>
        <source> — data {0} old</source>
        <translation> — データは{0}前のもの</translation>
    </message>
    <message>
        <source>connection refused</source>
        <translation>接続を拒否されました</translation>
    </message>
    <message>
        <source>connection closed by the server</source>
        <translation>サーバーが接続を閉じました</translation>
    </message>
    <message>
        <source>connection closed</source>
        <translation>接続が閉じられました</translation>
    </message>
    <message>
        <source>feed certificate not trusted</source>
        <translation>フィードの証明書を信頼できません</translation>
    </message>
    <message>
        <source>feed silent for</source>
        <translation>フィードの無応答</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>タイムアウト</translation>
    </message>
    <message>
        <source>invalid feed URL</source>
        <translation>フィードの URL が不正です</translation>
    </message>
    <message>
        <source>unauthorized</source>
        <translation>認証されていません</translation>
    </message>
    <message>
        <source>unsupported protocol version</source>
        <translation>対応していないプロトコルのバージョン</translation>
    </message>
    <message>
        <source>closed by the server</source>
        <translation>サーバーが切断しました</translation>
    </message>
    <message>
        <source>not a feed</source>
        <translation>フィードではありません</translation>
    </message>
    <message>
        <source>the server asked to reconnect</source>
        <translation>サーバーが再接続を求めました</translation>
    </message>
    <message>
        <source>the server is busy</source>
        <translation>サーバーが混雑しています</translation>
    </message>
    <message>
        <source>no usable snapshot: resyncs unanswered</source>
        <translation>使えるスナップショットが届きません（再同期に応答なし）</translation>
    </message>
    <message>
        <source>the PBX closed the connection</source>
        <translation>PBXが接続を切断しました</translation>
    </message>
    <message>
        <source>taking the floor from the PBX</source>
        <translation>PBXから状況を取得中</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>SV</translation>
    </message>
    <message>
        <source>minutes ago</source>
        <translation>分前</translation>
    </message>
    <message>
        <source>Listen to selected agent (L)</source>
        <translation>選択したオペレーターを聞き耳 (L)</translation>
    </message>
    <message>
        <source>Acknowledge selected alert (A)</source>
        <translation>選択したアラートを確認 (A)</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>アラート</translation>
    </message>
    <message>
        <source>Monitoring, this session</source>
        <translation>モニタリング履歴（このセッション）</translation>
    </message>
    <message>
        <source>Show the board</source>
        <translation>ボードを表示</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Find agent (Ctrl+F)…</source>
        <translation>オペレーターを検索 (Ctrl+F)…</translation>
    </message>
    <message>
        <source>All teams</source>
        <translation>全チーム</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全状態</translation>
    </message>
    <message>
        <source>Order: team</source>
        <translation>並び順：チーム</translation>
    </message>
    <message>
        <source>Order: name</source>
        <translation>並び順：名前</translation>
    </message>
    <message>
        <source>Order: state, longest first</source>
        <translation>並び順：状態（長い順）</translation>
    </message>
    <message>
        <source>Order: longest in state</source>
        <translation>並び順：状態継続時間の長い順</translation>
    </message>
    <message>
        <source>Compact</source>
        <translation>コンパクト表示</translation>
    </message>
    <message>
        <source>Feed credentials…</source>
        <translation>フィードの認証情報…</translation>
    </message>
    <message>
        <source>Listening…</source>
        <translation>聞き耳の設定…</translation>
    </message>
    <message>
        <source>About</source>
        <translation>情報</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>オペレーター</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Waiting calls, last hour</source>
        <translation>待ち呼の推移（直近1時間）</translation>
    </message>
    <message>
        <source>Nothing needs attention</source>
        <translation>要対応はありません</translation>
    </message>
    <message>
        <source>{0} {1}/{2}</source>
        <translation>{0} {1}/{2}</translation>
    </message>
    <message>
        <source>Reports…</source>
        <translation>レポート…</translation>
    </message>
    <message>
        <source>Outbound results…</source>
        <translation>発信ボード…</translation>
    </message>
    <message>
        <source>{0} of {1} agents shown</source>
        <translation>{1}人中{0}人を表示</translation>
    </message>
    <message>
        <source>No agent named “{0}” is shown</source>
        <translation>「{0}」という名前のオペレーターは表示されていません</translation>
    </message>
    <message>
        <source>{0} found</source>
        <translation>{0}件</translation>
    </message>
    <message>
        <source>not connected yet</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Wallboard {0}&lt;/h3&gt;&lt;p&gt;Live call-centre supervisor board.&lt;/p&gt;&lt;p&gt;Feed: {1}&lt;br&gt;Qt {2}, PySide6 {3}, Python {4}&lt;/p&gt;&lt;p&gt;MIT licence.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;ウォールボード {0}&lt;/h3&gt;&lt;p&gt;コールセンターのスーパーバイザー向けリアルタイムボード。&lt;/p&gt;&lt;p&gt;フィード：{1}&lt;br&gt;Qt {2}、PySide6 {3}、Python {4}&lt;/p&gt;&lt;p&gt;MIT ライセンス。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About Wallboard</source>
        <translation>ウォールボードについて</translation>
    </message>
    <message>
        <source>Counted since {0} (bridge start), not since midnight</source>
        <translation>{0}（ブリッジ起動）からの集計、0時からではありません</translation>
    </message>
    <message>
        <source>☰ Board</source>
        <extracomment>Below this window height the queues show as a strip and the trend is off (&quot;auto&quot;).</extracomment>
        <translation>☰ ボード</translation>
    </message>
    <message>
        <source>Callers waiting</source>
        <translation>待ち呼一覧</translation>
    </message>
    <message>
        <source>Legend (F1)</source>
        <translation>凡例 (F1)</translation>
    </message>
    <message>
        <source>Queues: by window height</source>
        <translation>キュー：ウィンドウの高さで切り替え</translation>
    </message>
    <message>
        <source>Queues: cards</source>
        <translation>キュー：カード</translation>
    </message>
    <message>
        <source>Queues: one-row strip</source>
        <translation>キュー：1行表示</translation>
    </message>
    <message>
        <source>Trend: by window height</source>
        <translation>推移：ウィンドウの高さで切り替え</translation>
    </message>
    <message>
        <source>Trend: shown</source>
        <translation>推移：表示</translation>
    </message>
    <message>
        <source>Trend: hidden</source>
        <translation>推移：非表示</translation>
    </message>
    <message>
        <source>Today since local midnight</source>
        <translation>本日0時から</translation>
    </message>
    <message>
        <source>Service level = {0}, T = {1}. {2}; short abandons excluded.</source>
        <translation>サービスレベル = {0}、T = {1}。{2}。短時間放棄は除外。</translation>
    </message>
    <message>
        <source>per queue</source>
        <translation>キューごと</translation>
    </message>
    <message>
        <source>Callers waiting ({0})</source>
        <translation>待ち呼一覧（{0}）</translation>
    </message>
    <message>
        <source>call over {0}</source>
        <translation>通話が{0}超</translation>
    </message>
    <message>
        <source>caller on hold over {0}</source>
        <translation>保留が{0}超</translation>
    </message>
    <message>
        <source>wrap-up over {0}</source>
        <translation>後処理が{0}超</translation>
    </message>
    <message>
        <source>paused over {0}</source>
        <translation>離席が{0}超</translation>
    </message>
    <message>
        <source>asked for help</source>
        <translation>ヘルプを要請</translation>
    </message>
    <message>
        <source>a caller waiting over {0}</source>
        <translation>待ち時間が{0}超の呼</translation>
    </message>
    <message>
        <source>{0:.0f}+ callers waiting</source>
        <translation>待ち呼{0:.0f}件以上</translation>
    </message>
    <message>
        <source>service level below {0:.0f}%</source>
        <translation>サービスレベルが{0:.0f}%未満</translation>
    </message>
    <message>
        <source>CRITICAL</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Critical alert</source>
        <translation>重大アラート</translation>
    </message>
    <message>
        <source>Could not acknowledge: {0}</source>
        <translation>確認できませんでした：{0}</translation>
    </message>
    <message>
        <source>Stop (Esc)</source>
        <translation>停止 (Esc)</translation>
    </message>
    <message>
        <source>Select an agent on a call: L listens; then W whispers, B barges; Esc stops.</source>
        <translation>通話中のオペレーターを選択：L で聞き耳、続いて W でささやき、B で割り込み、Esc で停止。</translation>
    </message>
    <message>
        <source>{0} is not on a call</source>
        <translation>{0} は通話中ではありません</translation>
    </message>
    <message>
        <source>A session is active: switch or stop it on the banner.</source>
        <translation>セッション中です：バナーで切り替えるか停止してください。</translation>
    </message>
    <message>
        <source>Feed</source>
        <translation>フィード</translation>
    </message>
    <message>
        <source>Stored in the system keychain ({0}); never in a file.</source>
        <translation>システムのキーチェーン（{0}）に保存されます。ファイルには書きません。</translation>
    </message>
    <message>
        <source>This system has no keychain: the token is kept in memory until the board closes.</source>
        <translation>このシステムにはキーチェーンがありません：トークンはボードを閉じるまでメモリにだけ保持されます。</translation>
    </message>
    <message>
        <source>token or password</source>
        <translation>トークンまたはパスワード</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>トークン</translation>
    </message>
    <message>
        <source>Remove stored token</source>
        <translation>保存したトークンを削除</translation>
    </message>
    <message>
        <source>Enter a token first.</source>
        <translation>先にトークンを入力してください。</translation>
    </message>
    <message>
        <source>Removed.</source>
        <translation>削除しました。</translation>
    </message>
    <message>
        <source>No token was stored for this feed.</source>
        <translation>このフィードのトークンは保存されていません。</translation>
    </message>
    <message>
        <source>no screens</source>
        <extracomment>Capital height ÷ font pixel size, for the Noto Sans family the board uses (Latin 0.714). A 55-inch 16:9 panel&apos;s picture height, when the profile does not say. The smallest font at scale 1 (tile state words, card labels), in pixels.</extracomment>
        <translation>画面がありません</translation>
    </message>
    <message>
        <source>screen {0} does not exist ({1} found: {2}); using {3}</source>
        <translation>画面{0}はありません（{1}台：{2}）。{3}を使います</translation>
    </message>
    <message>
        <source>no screen named “{0}” (found: {1}); using {2}</source>
        <translation>「{0}」という画面はありません（{1}）。{2}を使います</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>最長待ち</translation>
    </message>
    <message>
        <source>Service level · answer rate</source>
        <translation>サービスレベル · 応答率</translation>
    </message>
    <message>
        <source>Agents free</source>
        <translation>空きオペレーター</translation>
    </message>
    <message>
        <source>SL</source>
        <translation>SL</translation>
    </message>
    <message>
        <source>Wait</source>
        <extracomment>How the queue&apos;s rule rates a wait: (queue id, wait s) → level.</extracomment>
        <translation>待ち時間</translation>
    </message>
    <message>
        <source>Calls per interval</source>
        <translation>時間帯別の入電</translation>
    </message>
    <message>
        <source>Agents&apos; time</source>
        <translation>オペレーター別の稼働</translation>
    </message>
    <message>
        <source>How callers left</source>
        <translation>呼の結果</translation>
    </message>
    <message>
        <source>Queue</source>
        <extracomment>(key in a row, header, how it shows: &quot;text&quot; | &quot;count&quot; | &quot;time&quot; (clock) | &quot;secs&quot; (duration) | &quot;pct&quot; | &quot;rate&quot;)</extracomment>
        <translation>キュー</translation>
    </message>
    <message>
        <source>From</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Offered</source>
        <translation>入電数</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>応答数</translation>
    </message>
    <message>
        <source>Answer rate (%)</source>
        <translation>応答率 (%)</translation>
    </message>
    <message>
        <source>Service level (%)</source>
        <translation>サービスレベル (%)</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>オペレーター</translation>
    </message>
    <message>
        <source>Logged in</source>
        <translation>ログイン</translation>
    </message>
    <message>
        <source>Talk</source>
        <translation>通話</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Calls per hour</source>
        <translation>時間あたり応答数</translation>
    </message>
    <message>
        <source>Occupancy (%)</source>
        <translation>稼働率 (%)</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>タイムアウト</translation>
    </message>
    <message>
        <source>Left by a key</source>
        <translation>キー操作で離脱</translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation>転送</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>未完了</translation>
    </message>
    <message>
        <source>Reports are for supervisors on this server.</source>
        <translation>このサーバーではレポートはSV専用です。</translation>
    </message>
    <message>
        <source>This server keeps no history (the bridge needs --queue-log).</source>
        <translation>このサーバーは履歴を保存していません（ブリッジに --queue-log が必要です）。</translation>
    </message>
    <message>
        <source>Too much at once: choose fewer days or one queue.</source>
        <translation>範囲が広すぎます。日数を減らすかキューを一つにしてください。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>接続されていません。</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>レポート</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0}分</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>レポート</translation>
    </message>
    <message>
        <source>To</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>間隔</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>チーム</translation>
    </message>
    <message>
        <source>Save CSV (Excel, UTF-8)</source>
        <translation>CSV保存（Excel用 UTF-8）</translation>
    </message>
    <message>
        <source>Save CSV (Shift_JIS)</source>
        <translation>CSV保存（Shift_JIS）</translation>
    </message>
    <message>
        <source>Save Excel (.xlsx)</source>
        <translation>Excel保存（.xlsx）</translation>
    </message>
    <message>
        <source>Asking the server…</source>
        <translation>サーバーに問い合わせ中…</translation>
    </message>
    <message>
        <source>The report failed: {0}</source>
        <translation>レポートを取得できませんでした：{0}</translation>
    </message>
    <message>
        <source>Today: {0}</source>
        <translation>本日：{0}</translation>
    </message>
    <message>
        <source>No calls or logins today yet.</source>
        <translation>本日はまだ応答もログインもありません。</translation>
    </message>
    <message>
        <source>Answered {0} · talk {1} · wrap-up {2}</source>
        <translation>応答 {0}件 · 通話 {1} · 後処理 {2}</translation>
    </message>
    <message>
        <source>Logged in {0} · occupancy {1}</source>
        <translation>ログイン {0} · 稼働率 {1}</translation>
    </message>
    <message>
        <source>Paused: {0}</source>
        <translation>離席：{0}</translation>
    </message>
    <message>
        <source>no reason</source>
        <translation>理由なし</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0}行</translation>
    </message>
    <message>
        <source>Nothing in these days.</source>
        <translation>この期間のデータはありません。</translation>
    </message>
    <message>
        <source>(s)</source>
        <translation>(秒)</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>レポートを保存</translation>
    </message>
    <message>
        <source>Could not save {0}: {1}</source>
        <translation>{0} を保存できませんでした：{1}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>{0} に保存しました</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>発信者</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>順番</translation>
    </message>
    <message>
        <source>No callers waiting</source>
        <translation>待ち呼はありません</translation>
    </message>
    <message>
        <source>(no caller ID)</source>
        <translation>（番号非通知）</translation>
    </message>
    <message>
        <source>{0} — ringing an agent</source>
        <translation>{0} — オペレーターを呼び出し中</translation>
    </message>
    <message>
        <source>Sound level of the call</source>
        <extracomment>The meter&apos;s range: below FLOOR_DB is shown as nothing; speech sits around -30…-10 dBFS.</extracomment>
        <translation>通話の音量</translation>
    </message>
    <message>
        <source>Listening</source>
        <translation>聞き耳の設定</translation>
    </message>
    <message>
        <source>In the app (this computer&apos;s headset)</source>
        <translation>アプリで（このパソコンのヘッドセット）</translation>
    </message>
    <message>
        <source>On my phone</source>
        <translation>自分の電話で</translation>
    </message>
    <message>
        <source>Hear calls</source>
        <translation>通話を聞く方法</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>Headset (output)</source>
        <translation>ヘッドセット（出力）</translation>
    </message>
    <message>
        <source>Microphone (input)</source>
        <translation>マイク（入力）</translation>
    </message>
    <message>
        <source>No sound here: {0}</source>
        <translation>この端末では音声が使えません：{0}</translation>
    </message>
    <message>
        <source>Whisper and barge: hold Space or the Talk button to be heard.</source>
        <translation>ささやき・割り込みでは、Space または「話す」ボタンを押している間だけ声が届きます。</translation>
    </message>
    <message>
        <source>Sale</source>
        <extracomment>The board&apos;s words for the outcome kinds it knows; a centre&apos;s own label wins, an unknown id shows as sent.</extracomment>
        <translation>成約</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>アポ</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>見込み</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>再架電</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>受付NG</translation>
    </message>
    <message>
        <source>Not there</source>
        <translation>担当不在</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>不在</translation>
    </message>
    <message>
        <source>Answering machine</source>
        <translation>留守電</translation>
    </message>
    <message>
        <source>Dead number</source>
        <translation>現アナ</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>成果</translation>
    </message>
    <message>
        <source>No outbound results today yet</source>
        <translation>本日の発信結果はまだありません</translation>
    </message>
    <message>
        <source>Today&apos;s {0}: {1}</source>
        <translation>本日の{0}：{1}</translation>
    </message>
    <message>
        <source>goal {0}</source>
        <translation>目標 {0}</translation>
    </message>
    <message>
        <source>dials {0} · connects {1} · contact rate {2} · conversion {3} · {4}</source>
        <translation>架電 {0} · 通話 {1} · コンタクト率 {2} · 成約率 {3} · {4}</translation>
    </message>
    <message>
        <source>Dials</source>
        <translation>架電数</translation>
    </message>
    <message>
        <source>Connects</source>
        <translation>通話数</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>コンタクト率</translation>
    </message>
    <message>
        <source>Conv.</source>
        <translation>成約率</translation>
    </message>
    <message>
        <source>Per hour</source>
        <translation>時間あたり</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金額</translation>
    </message>
    <message>
        <source>{0} / goal</source>
        <translation>{0} / 目標</translation>
    </message>
    <message>
        <source>places {0}–{1} of {2}</source>
        <translation>{2}名中 {0}–{1}位</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>チーム</translation>
    </message>
    <message>
        <source>Latest results</source>
        <translation>最新の成果</translation>
    </message>
    <message>
        <source>Outbound results</source>
        <translation>発信ボード</translation>
    </message>
</context>
</TS>
