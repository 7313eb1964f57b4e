// The text of the Lumen Notes help centre (a fictional product of the fictional Quillfern Software) and
// the demo's questions about it. Rendered to files by demo-corpus.ts.

export interface DemoQuestion {
  question: string;
  /** Whether some document in the corpus answers the question. */
  answerable: boolean;
  /** Base name of the one file that answers the question. */
  expectedSource?: string;
  /** A short phrase that appears verbatim in the answering sentence. */
  expectedPhrase?: string;
}

/** A paragraph, or a list of items. */
export type Block = string | { list: string[]; ordered?: boolean };

export interface HelpSection {
  heading: string;
  blocks: Block[];
  /** Paginated formats start this section on a new page. */
  startsNewPage?: boolean;
}

export interface HelpArticle {
  fileName: string;
  title: string;
  /** One sentence on what the article covers, for document metadata. */
  summary: string;
  intro: Block[];
  sections: HelpSection[];
}

export const helpCentre: HelpArticle[] = [
  {
    fileName: "getting-started.md",
    title: "Getting started with Lumen Notes",
    summary: "How to install Lumen Notes, create an account and write your first note.",
    intro: [
      "Lumen Notes is a note-taking app that keeps your notebooks in sync across desktop, mobile and the web. This guide walks you through installing the app, creating your account and writing your first note.",
    ],
    sections: [
      {
        heading: "Install the app",
        blocks: [
          "Download the installer from lumen-notes.example/download. On Windows, run LumenNotesSetup.exe and follow the prompts. On macOS, open the .dmg file and drag Lumen Notes into the Applications folder. On Linux, the app is available as an AppImage and as a .deb package.",
          "On iPhone and iPad, install Lumen Notes from the App Store; on Android, install it from Google Play. Check the System requirements article first if your device is more than five years old.",
        ],
      },
      {
        heading: "Create your account",
        blocks: [
          "When you open Lumen Notes for the first time, choose Create account and enter your email address and a password of at least 12 characters. We send a six-digit confirmation code to your email; enter it within 15 minutes to activate the account. If the code expires, choose Resend code.",
          "Every new account starts on the Free plan. You can upgrade at any time from Settings > Plan and billing.",
        ],
      },
      {
        heading: "Write your first note",
        blocks: [
          "Lumen Notes creates a notebook called Inbox for you. Press Ctrl+N (Cmd+N on a Mac) to create a note, give it a title on the first line, and start typing. Notes are saved automatically as you type, so there is no Save button.",
          "To organise your notes, create more notebooks from the sidebar and drag notes between them. You can also add tags by typing a hash sign followed by a word, for example #meeting or #recipes.",
        ],
      },
      {
        heading: "Sign in on your other devices",
        blocks: [
          "Install Lumen Notes on your other devices and sign in with the same email address. Your notebooks download automatically the first time you sign in. The Free plan syncs between two devices; the Personal and Team plans sync between unlimited devices.",
        ],
      },
    ],
  },
  {
    fileName: "keyboard-shortcuts.md",
    title: "Keyboard shortcuts",
    summary: "The keyboard shortcuts of the Lumen Notes desktop apps and how to change them.",
    intro: [
      "Lumen Notes for Windows, macOS and Linux has keyboard shortcuts for the most common actions. On macOS, use Cmd wherever this page says Ctrl. To see the full list inside the app, press Ctrl+/ at any time.",
    ],
    sections: [
      {
        heading: "Notes and notebooks",
        blocks: [
          {
            list: [
              "Ctrl+N: create a new note in the current notebook",
              "Ctrl+Shift+N: create a new notebook",
              "Ctrl+D: duplicate the current note",
              "Ctrl+Delete: move the current note to the Trash",
              "Ctrl+Shift+P: pin the current note to the top of its notebook",
            ],
          },
        ],
      },
      {
        heading: "Search and navigation",
        blocks: [
          {
            list: [
              "Ctrl+K: open the Quick Switcher to jump to any note by its title",
              "Ctrl+Shift+F: search across all notebooks",
              "Alt+Left and Alt+Right: go back and forward through recently opened notes",
              "Ctrl+Shift+S: show or hide the sidebar",
            ],
          },
        ],
      },
      {
        heading: "Formatting",
        blocks: [
          {
            list: [
              "Ctrl+B, Ctrl+I and Ctrl+U: bold, italic and underline",
              "Ctrl+Shift+7: ordered list",
              "Ctrl+Shift+8: bulleted list",
              "Ctrl+Shift+C: checklist item",
              "Ctrl+Alt+1, Ctrl+Alt+2 and Ctrl+Alt+3: heading levels 1 to 3",
            ],
          },
        ],
      },
      {
        heading: "Customising shortcuts",
        blocks: [
          "To change a shortcut, open Settings > Keyboard, select the action you want to change and press the new key combination. If the combination is already assigned to another action, Lumen Notes shows a warning and asks whether to reassign it. Choose Restore defaults at the bottom of the page to undo all your changes.",
          "Custom shortcuts are stored on each device and are not synced. In the web app, a shortcut does nothing when your browser reserves the same combination, such as Ctrl+N or Ctrl+W in most browsers; use the menu instead.",
        ],
      },
    ],
  },
  {
    fileName: "sync-and-offline.md",
    title: "Sync and offline mode",
    summary: "How Lumen Notes syncs notes between devices and how to work without a connection.",
    intro: [
      "Lumen Notes keeps a full copy of your notebooks on each device and syncs changes through Quillfern's servers whenever you are online. This article explains how sync works, how to work offline and what to check when sync seems slow.",
    ],
    sections: [
      {
        heading: "How sync works",
        blocks: [
          "Two seconds after you stop typing, Lumen Notes saves the note on the device and sends the change to the server. Your other signed-in devices usually receive it within five seconds. Only the changed paragraphs are sent, not the whole note, so sync uses very little data.",
          "The sync status icon in the bottom-left corner of the sidebar shows a green tick when everything is up to date, a spinning arrow while changes are being sent, and an orange cloud when the device is offline.",
        ],
      },
      {
        heading: "Working offline",
        blocks: [
          "You can create, edit, move and delete notes without an internet connection. Changes are queued on the device and sent automatically, in the order you made them, when the connection comes back.",
          "You can keep working offline for up to 90 days; after 90 days without a connection, Lumen Notes asks you to sign in again before it syncs your queued changes.",
          "On mobile devices, attachments are downloaded only when you open them, unless you turn on Settings > Sync > Download attachments. Attachments you have never opened are not available offline.",
        ],
      },
      {
        heading: "Choosing what to sync",
        blocks: [
          "On devices with little storage, open Settings > Sync > Selective sync and clear the notebooks you don't need on that device. Cleared notebooks stay safe on the server and on your other devices. Selective sync is available on the Personal and Team plans.",
        ],
      },
      {
        heading: "If sync seems slow",
        blocks: [
          "First look at the sync status icon. If it shows an orange cloud while you are online, choose Sync now from the File menu. Some hotel and corporate networks block WebSocket connections; on those networks Lumen Notes falls back to checking for changes every 60 seconds.",
          "If the same note was changed on two devices while one of them was offline, see Troubleshooting sync conflicts.",
        ],
      },
    ],
  },
  {
    fileName: "troubleshooting-sync-conflicts.md",
    title: "Troubleshooting sync conflicts",
    summary: "Why sync conflicts happen in Lumen Notes and how to resolve conflicted copies.",
    intro: [
      "A sync conflict happens when the same note is changed on two devices before either change reaches the server, usually because one of the devices was offline. Lumen Notes never silently throws away your writing: it keeps both versions so that you can decide what to keep.",
    ],
    sections: [
      {
        heading: "How Lumen Notes handles conflicts",
        blocks: [
          "When the two edits touch different paragraphs, Lumen Notes merges them automatically and you see a single note with both changes. When both devices changed the same paragraph, the version that reached the server first stays in the original note, and the other version is saved as a separate note whose title ends with (conflicted copy), the device name and the date.",
          "Conflicted copies are saved in the same notebook as the original note. You can also find all of them under Settings > Sync > Conflicts.",
        ],
      },
      {
        heading: "Resolving a conflicted copy",
        blocks: [
          {
            ordered: true,
            list: [
              "Open the conflicted copy and choose Compare from its menu to see it side by side with the original note.",
              "Copy any text you want to keep from the conflicted copy into the original note.",
              "Choose Mark as resolved. The conflicted copy moves to the Trash.",
            ],
          },
        ],
      },
      {
        heading: "Conflicts that keep coming back",
        blocks: [
          "If new conflicted copies appear every day, the usual cause is a device whose clock is wrong. Lumen Notes uses the device clock to order offline edits, so a clock that is more than five minutes off can cause repeated conflicts. Turn on automatic date and time in the settings of your operating system.",
          "Another cause is an outdated app. Versions before 4.2 merged edits a different way, so update every device to the latest version.",
          "If conflicts continue, choose Help > Send diagnostics and include the reference code it shows when you write to support@quillfern.example. Diagnostics contain sync logs but never the content of your notes.",
        ],
      },
    ],
  },
  {
    fileName: "pricing-and-plans.html",
    title: "Pricing and plans",
    summary: "What the Free, Personal and Team plans of Lumen Notes include and cost.",
    intro: [
      "Lumen Notes comes in three plans: Free, Personal and Team. Every plan includes the apps for Windows, macOS, Linux, iPhone, iPad, Android and the web, and every plan protects your notes with the same encryption.",
    ],
    sections: [
      {
        heading: "Free",
        blocks: [
          "The Free plan costs nothing and has no time limit. It includes up to 1,000 notes, 1 GB of storage and sync between two devices. Attachments can be up to 25 MB each, and version history keeps the last 7 days of changes.",
        ],
      },
      {
        heading: "Personal",
        blocks: [
          "The Personal plan costs $4 per month, or $40 per year if you pay annually. It removes the limit on notes and adds 50 GB of storage, sync between unlimited devices and attachments of up to 200 MB each. Version history keeps one year of changes, and you also get selective sync and priority email support.",
        ],
      },
      {
        heading: "Team",
        blocks: [
          "The Team plan costs $8 per user per month, billed annually, or $10 per user per month when billed monthly. It includes everything in Personal, plus 100 GB of storage per user, shared notebooks with edit or view-only permissions, an admin console and single sign-on with SAML. A team needs at least 3 users, and there is no maximum.",
        ],
      },
      {
        heading: "Changing plans",
        blocks: [
          "You can upgrade at any time from Settings > Plan and billing. New features are available immediately, and you pay a prorated amount for the rest of the current billing period. A downgrade takes effect at the end of the current billing period.",
          "If your account has more than 1,000 notes or uses more than 1 GB of storage after a downgrade to Free, nothing is deleted, but you cannot create new notes until you are back under the Free plan limits.",
        ],
      },
      {
        heading: "Payment methods and taxes",
        blocks: [
          "We accept Visa, Mastercard, American Express and PayPal. Prices are in US dollars and do not include VAT or sales tax, which is added at checkout based on your billing address. Teams of 20 or more users can also pay by invoice, with payment due 30 days after the invoice date.",
          "Students and teachers get 50% off the Personal plan when they sign up with a school email address.",
        ],
      },
    ],
  },
  {
    fileName: "refund-policy.html",
    title: "Refund policy",
    summary: "When Quillfern Software refunds a Lumen Notes subscription, and how to ask for it.",
    intro: [
      "We want you to be happy with Lumen Notes. If a paid plan turns out not to be right for you, this page explains when you can get your money back and how.",
    ],
    sections: [
      {
        heading: "New subscriptions",
        blocks: [
          "You can request a full refund within 30 days of your first payment for a Personal or Team subscription, for any reason. After that, payments are non-refundable, but you can cancel at any time to stop future charges.",
        ],
      },
      {
        heading: "Renewals",
        blocks: [
          "Annual subscriptions renew automatically, and we email you a reminder 14 days before each renewal. If you forget to cancel, you can ask for a refund of an annual renewal within 7 days of the renewal date, provided you have not used any paid features since then. Monthly renewals are not refunded.",
        ],
      },
      {
        heading: "How to request a refund",
        blocks: [
          "Open Settings > Plan and billing > Billing history, select the payment and choose Request refund. You can also email billing@quillfern.example with the email address of your account and the date of the payment. We reply within two business days.",
        ],
      },
      {
        heading: "How refunds are paid",
        blocks: [
          "Refunds go back to the original payment method. Card refunds usually appear on your statement within 5 to 10 business days, and PayPal refunds within 24 hours.",
          "When a refund is approved, your account moves to the Free plan immediately. Your notes are kept, but if you are above the Free plan limits you cannot create new notes until you delete some or upgrade again.",
        ],
      },
      {
        heading: "Exceptions",
        blocks: [
          "We do not refund accounts that were closed for breaking our acceptable use rules. Subscriptions bought through the Apple App Store or Google Play are refunded by Apple or Google under their own rules; we cannot issue those refunds ourselves.",
        ],
      },
    ],
  },
  {
    fileName: "security-and-encryption.pdf",
    title: "Security and encryption",
    summary: "How Quillfern Software protects the notes customers store in Lumen Notes.",
    intro: [
      "This document describes how Quillfern Software protects the notes you store in Lumen Notes. It is written for customers and for the IT and security teams who evaluate the product. Last reviewed: March 2025.",
    ],
    sections: [
      {
        heading: "Encryption in transit",
        blocks: [
          "All traffic between the Lumen Notes apps and our servers uses TLS 1.3; connections with TLS 1.1 or earlier are refused. The apps pin our server certificates, so a network that intercepts HTTPS traffic can neither read nor change your notes.",
        ],
      },
      {
        heading: "Account security",
        blocks: [
          "We recommend turning on two-step verification in Settings > Account > Security. Lumen Notes supports authenticator apps and hardware security keys that use FIDO2.",
          "After 10 failed sign-in attempts within one hour, the account is locked for 30 minutes and we email the account owner. Sessions in the web app expire after 14 days of inactivity, and you can sign out any device remotely from Settings > Account > Devices.",
        ],
      },
      {
        heading: "Encryption at rest",
        startsNewPage: true,
        blocks: [
          "On our servers, every note, attachment and past version is encrypted at rest with AES-256. Each account has its own data key, and data keys are in turn encrypted by master keys held in a hardware security module. Master keys are rotated every 12 months.",
          "On your devices, the local copy of your notebooks is protected by the operating system: the Keychain on macOS and iOS, DPAPI on Windows, and the Keystore on Android.",
        ],
      },
      {
        heading: "Locked notebooks",
        blocks: [
          "For especially sensitive material, you can turn any notebook into a Locked notebook from its menu. Locked notebooks are end-to-end encrypted with a passphrase that only you know. Quillfern never receives the passphrase and cannot read locked notes, which also means we cannot recover a Locked notebook if you forget its passphrase. Locked notes cannot be searched in the web app.",
        ],
      },
      {
        heading: "Infrastructure and staff access",
        blocks: [
          "Our servers run in data centres in Frankfurt, Germany and Dublin, Ireland, and customer data never leaves the European Union. Backups are encrypted, taken every 6 hours and kept for 35 days.",
          "Only a small group of named engineers can reach production systems, always through a logged, time-limited request approved by a second engineer. Support staff cannot open your notes; they see only account details such as your plan and your list of devices.",
        ],
      },
      {
        heading: "Audits and vulnerability reports",
        blocks: [
          "Quillfern is audited every year against SOC 2 Type II, and Team customers can ask for the latest report. To report a vulnerability, email security@quillfern.example; we acknowledge reports within one business day and run a public bug bounty programme.",
        ],
      },
    ],
  },
  {
    fileName: "system-requirements.pdf",
    title: "System requirements",
    summary: "The operating systems, browsers and network access Lumen Notes 4.6 needs.",
    intro: [
      "Lumen Notes runs on desktop, mobile and the web. The requirements below apply to version 4.6, released in February 2025. Older devices may keep working with earlier versions, but they no longer receive updates.",
    ],
    sections: [
      {
        heading: "Desktop",
        blocks: [
          {
            list: [
              "Windows 10 (version 22H2) or Windows 11, 64-bit. ARM devices are supported on Windows 11 only.",
              "macOS 12 Monterey or later, on Apple silicon or Intel processors.",
              "Linux: Ubuntu 22.04 or later, Debian 12 or Fedora 39, 64-bit, with a desktop environment that shows tray icons.",
            ],
          },
          "Every desktop app needs at least 4 GB of RAM and 500 MB of free disk space, plus room for your notebooks and attachments.",
        ],
      },
      {
        heading: "Mobile",
        blocks: [
          {
            list: [
              "iPhone and iPad: iOS 16 or iPadOS 16 or later.",
              "Android: Android 10 or later, with at least 3 GB of RAM.",
            ],
          },
        ],
      },
      {
        heading: "Web app",
        blocks: [
          "The web app at app.lumen-notes.example works in the current and previous major versions of Chrome, Edge, Firefox and Safari, with cookies and JavaScript enabled. It keeps nothing on your computer between sessions, so it needs a steady connection; install a desktop or mobile app to keep notes on the device.",
        ],
      },
      {
        heading: "Network",
        blocks: [
          "Lumen Notes needs outgoing HTTPS connections on port 443 to sync.lumen-notes.example and api.lumen-notes.example. Sync is fastest when WebSocket connections are allowed; if a proxy blocks them, the apps fall back to polling. Proxies that require a password are supported on Windows and macOS only.",
        ],
      },
    ],
  },
  {
    fileName: "data-export-and-deletion.docx",
    title: "Exporting and deleting your data",
    summary: "How to export notes from Lumen Notes and how to delete notes or a whole account.",
    intro: [
      "Your notes belong to you. You can export everything you have stored in Lumen Notes at any time and on any plan, and you can delete your account permanently.",
    ],
    sections: [
      {
        heading: "Exporting your notes",
        blocks: [
          "To export a single notebook, right-click it in the sidebar and choose Export notebook. To export everything, open Settings > Account > Export all data and choose one of three formats:",
          {
            list: [
              "Markdown: a ZIP file with one .md file per note and a folder per notebook, with attachments in a separate folder.",
              "HTML: a ZIP file with one web page per note, for reading in a browser.",
              "Lumen archive (.lumen): a single file that keeps tags, version history and links between notes, and can be imported back into Lumen Notes.",
            ],
          },
          "Exports larger than 2 GB are prepared in the background, and we email you a download link when the export is ready. The link works for 7 days. Locked notebooks are exported in encrypted form and open only with their passphrase.",
        ],
      },
      {
        heading: "Deleting notes",
        blocks: [
          "Deleted notes go to the Trash, where they stay for 30 days. During that time you can restore them from the Trash in the sidebar; after that, they are deleted permanently. Choose Empty Trash to delete them sooner.",
        ],
      },
      {
        heading: "Deleting your account",
        blocks: [
          "To delete your account, open Settings > Account > Delete account, type your password and choose Delete permanently. Cancel any paid plan first, because deleting an account does not refund the rest of a subscription.",
          "Your account is deactivated immediately and you are signed out on all devices. For 7 days you can still change your mind by signing in and choosing Restore account. After 7 days, we erase your notes, attachments and account details from our servers, and copies in our encrypted backups are overwritten within a further 35 days. We keep invoices for seven years because tax law requires it.",
          "If you own a Team workspace, transfer ownership to another member before you delete your account; otherwise the whole workspace is deleted as well.",
        ],
      },
    ],
  },
  {
    fileName: "account-recovery.docx",
    title: "Recovering your account",
    summary: "How to get back into a Lumen Notes account after losing a password or a verification device.",
    intro: [
      "If you cannot sign in to Lumen Notes, this guide helps you get back into your account. For your protection, our support team cannot reset a password or turn off two-step verification without the checks described here.",
    ],
    sections: [
      {
        heading: "Forgotten password",
        blocks: [
          "On the sign-in screen, choose Forgot password and enter the email address of your account. We send a reset link that is valid for 1 hour and works only once. If the email has not arrived after 10 minutes, check your spam folder, then request a new link; a new link cancels the earlier ones. After a reset, you are signed out on every other device.",
        ],
      },
      {
        heading: "Lost two-step verification device",
        blocks: [
          "When you turned on two-step verification, Lumen Notes gave you ten recovery codes, each of which works once. On the verification screen, choose Use a recovery code and enter one of them. Then open Settings > Account > Security to set up your new device and create fresh codes.",
          "If you have no recovery codes left, choose I have lost my device. We send a recovery email and wait 72 hours before removing two-step verification. During the wait we alert every signed-in device, so you can cancel the request if someone else made it.",
        ],
      },
      {
        heading: "No access to your email address",
        blocks: [
          "If you can no longer read the email address on your account, write to support@quillfern.example from a new address. To prove the account is yours, we ask for details such as when you created it, the names of some of your notebooks and the last four digits of the card used for a paid plan. Recovery this way usually takes 3 to 5 business days.",
        ],
      },
      {
        heading: "Locked notebooks",
        blocks: [
          "Account recovery does not unlock Locked notebooks. Their passphrase is never sent to Quillfern, so if you forget it, the notes in those notebooks cannot be recovered.",
        ],
      },
    ],
  },
];

export const demoQuestions: DemoQuestion[] = [
  {
    question: "How much does the Team plan cost for each user?",
    answerable: true,
    expectedSource: "pricing-and-plans.html",
    expectedPhrase: "$8 per user per month",
  },
  {
    question: "How long can I work offline before the app makes me sign in again?",
    answerable: true,
    expectedSource: "sync-and-offline.md",
    expectedPhrase: "up to 90 days",
  },
  {
    question: "Which encryption algorithm protects my notes at rest on your servers?",
    answerable: true,
    expectedSource: "security-and-encryption.pdf",
    expectedPhrase: "AES-256",
  },
  {
    question: "What is the phone number of Quillfern's office in Berlin?",
    answerable: false,
  },
];
