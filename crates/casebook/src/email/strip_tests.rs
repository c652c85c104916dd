//! Reply styles of real mail clients, as they arrive in text/plain parts.

use super::*;

#[test]
fn gmail_reply_with_wrapped_attribution() {
    let text = "Thanks, that fixed it!\r\n\r\nOn Mon, Mar 4, 2024 at 10:15 AM Casebook Support <\r\nsupport@example.com> wrote:\r\n\r\n> Please restart the printer.\r\n>\r\n> Kind regards\r\n";
    assert_eq!(strip_reply(text), "Thanks, that fixed it!");
}

#[test]
fn apple_mail_reply() {
    let text = "Still broken here.\n\nSent from my iPhone\n\n> On 4 Mar 2024, at 10:15, Support <support@example.com> wrote:\n> \n> Please restart.\n";
    assert_eq!(strip_reply(text), "Still broken here.");
}

#[test]
fn outlook_reply_with_original_message_separator() {
    let text = "Hello,\n\nthe invoice is attached.\n\n-----Original Message-----\nFrom: Support <support@example.com>\nSent: Monday, March 4, 2024 10:15 AM\nTo: Jane\nSubject: Invoice\n\nCould you send the invoice?\n";
    assert_eq!(strip_reply(text), "Hello,\n\nthe invoice is attached.");
}

#[test]
fn outlook_reply_with_header_block_and_rule() {
    let text = "Works now.\n\n________________________________\nFrom: Support <support@example.com>\nSent: Monday, March 4, 2024 10:15\nTo: Jane Doe\nSubject: RE: Login\n\nTry again.\n";
    assert_eq!(strip_reply(text), "Works now.");
    let bold = "Works now.\n\n*From:* Support <support@example.com>\n*Sent:* Monday\n*To:* Jane\n\nTry again.";
    assert_eq!(strip_reply(bold), "Works now.");
}

#[test]
fn german_clients() {
    let thunderbird =
        "Danke, erledigt.\n\nAm 04.03.2024 um 10:15 schrieb Support:\n> Bitte neu starten.\n";
    assert_eq!(strip_reply(thunderbird), "Danke, erledigt.");
    let wrapped = "Danke!\n\nAm Mo., 4. März 2024 um 10:15 Uhr schrieb Casebook Support <\nsupport@example.com>:\n\n> Bitte neu starten.\n";
    assert_eq!(strip_reply(wrapped), "Danke!");
    let outlook = "Geht wieder.\n\nVon: Support <support@example.com>\nGesendet: Montag, 4. März 2024 10:15\nAn: Max\nBetreff: AW: Drucker\n\nBitte neu starten.";
    assert_eq!(strip_reply(outlook), "Geht wieder.");
    let separator = "Geht wieder.\n-----Ursprüngliche Nachricht-----\nVon: x\n";
    assert_eq!(strip_reply(separator), "Geht wieder.");
    let mobile = "Passt.\n\nVon meinem iPhone gesendet";
    assert_eq!(strip_reply(mobile), "Passt.");
}

#[test]
fn french_and_spanish_attributions() {
    let fr = "Merci.\n\nLe lun. 4 mars 2024 à 10:15, Support <support@example.com> a écrit :\n> Bonjour\n";
    assert_eq!(strip_reply(fr), "Merci.");
    let es = "Gracias.\n\nEl lun, 4 mar 2024 a las 10:15, Support (<support@example.com>) escribió:\n> Hola\n";
    assert_eq!(strip_reply(es), "Gracias.");
}

#[test]
fn name_wrote_followed_by_quotes() {
    let text = "Yes.\n\nJane Doe <jane@example.com> wrote:\n> Is it fixed?\n";
    assert_eq!(strip_reply(text), "Yes.");
    // Without quoted lines after it, a sentence ending in "wrote:" is content.
    let prose = "Here is what my colleague wrote:\nThe screen stays black.";
    assert_eq!(strip_reply(prose), prose);
}

#[test]
fn inline_quotes_are_dropped_and_answers_kept() {
    let text = "> Which version?\n2.4.1\n> Which OS?\nLinux\n";
    assert_eq!(strip_reply(text), "2.4.1\nLinux");
}

#[test]
fn signatures() {
    let rfc = "The export fails.\n\n-- \nJane Doe\nACME Corp\n";
    assert_eq!(strip_reply(rfc), "The export fails.");
    let bare = "The export fails.\n--\nJane\n";
    assert_eq!(strip_reply(bare), "The export fails.");
    let outlook_mobile = "Done.\n\nGet Outlook for Android\n";
    assert_eq!(strip_reply(outlook_mobile), "Done.");
    let android = "Done.\n\nSent from my Samsung Galaxy smartphone.";
    assert_eq!(strip_reply(android), "Done.");
    // "Sent from my" in the middle of the text is content.
    let prose = "Sent from my office the file did not arrive.\nIt arrived from home.\nThird line.";
    assert_eq!(strip_reply(prose), prose);
    // A dashed rule longer than the delimiter is content.
    let rule = "a\n---\nb";
    assert_eq!(strip_reply(rule), rule);
}

#[test]
fn forwarded_messages_are_kept_whole() {
    let text = "Please look at this.\n\n---------- Forwarded message ---------\nFrom: Customer <c@example.org>\nDate: Mon, 4 Mar 2024\nSubject: Broken\n\nIt is broken.\n-- \nCustomer";
    // Only trailing spaces go (the "-- " delimiter line becomes "--").
    assert_eq!(strip_reply(text), text.replace("-- \n", "--\n"));
    assert!(is_forward_subject("Fwd: Broken"));
    assert!(is_forward_subject("WG: Drucker"));
    assert!(!is_forward_subject("Re: Fwd: Broken"));
}

#[test]
fn only_quotes_leaves_nothing() {
    assert_eq!(strip_reply("> a\n> b\n"), "");
    assert_eq!(strip_reply(""), "");
    assert_eq!(strip_reply("\n\n  \n"), "");
}

#[test]
fn subjects_are_cleaned() {
    assert_eq!(
        clean_subject("Re: AW: Fwd:  Printer   jams"),
        "Printer jams"
    );
    assert_eq!(clean_subject("RE[2]: Login"), "Login");
    assert_eq!(
        clean_subject("Re: Printer jams [CB-42 #abcdefgh12]"),
        "Printer jams"
    );
    assert_eq!(clean_subject("Return policy"), "Return policy");
    assert_eq!(clean_subject("Ärger: Re:"), "Ärger: Re:");
    assert_eq!(clean_subject(""), "");
}
