"""Set or remove the feed's token. It goes to the keychain (or, without one, to memory only)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from .feedlink import CredentialHooks
from .i18n import tr


class CredentialsDialog(QDialog):
    def __init__(self, hooks: CredentialHooks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hooks = hooks
        self.setWindowTitle(tr("Feed credentials"))
        form = QFormLayout(self)
        form.addRow(tr("Feed"), QLabel(hooks.feed))
        where = (tr("Stored in the system keychain ({0}); never in a file.").format(hooks.keychain)
                 if hooks.keychain else
                 tr("This system has no keychain: the token is kept in memory until the board closes."))
        note = QLabel(where)
        note.setWordWrap(True)
        form.addRow(note)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(tr("token or password"))
        form.addRow(tr("Token"), self.token)
        self.result_label = QLabel()
        form.addRow(self.result_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.forget_button = buttons.addButton(tr("Remove stored token"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.forget_button.setEnabled(hooks.keychain is not None)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.forget_button.clicked.connect(self.remove)
        form.addRow(buttons)

    def save(self) -> None:
        token = self.token.text()
        if not token.strip():
            self.result_label.setText(tr("Enter a token first."))
            return
        try:
            self.hooks.store(token)
        except Exception as err:  # the keychain's own words, one line, never the token
            self.result_label.setText(str(err))
            return
        self.token.clear()
        self.accept()

    def remove(self) -> None:
        try:
            removed = self.hooks.forget()
        except Exception as err:
            self.result_label.setText(str(err))
            return
        self.result_label.setText(tr("Removed.") if removed else tr("No token was stored for this feed."))
