; Inno Setup 6 script for the Windows installer; build-windows.ps1 passes /DAppVersion from wallboard.__version__.
; Installs per machine; an optional task starts the board full screen at login (the PC behind a wall TV).
#ifndef AppVersion
  #error "pass /DAppVersion=<version> (build-windows.ps1 does)"
#endif

[Setup]
AppId={{6F2B4C2E-8E1D-4C0B-9C55-3D7A1B0E9A41}
AppName=Wallboard
AppVersion={#AppVersion}
AppPublisher=Wallboard maintainers
DefaultDirName={autopf}\Wallboard
DefaultGroupName=Wallboard
OutputDir=..\..\dist
OutputBaseFilename=Wallboard-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\wallboard.ico
UninstallDisplayIcon={app}\wallboard.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ja"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "kiosk"; Description: "Start full screen at login (wall TV PC), from {commonappdata}\Wallboard\tv.toml"; Flags: unchecked

[Files]
Source: "..\..\dist\wallboard\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
Source: "..\..\resources\profiles\tv.toml"; DestDir: "{commonappdata}\Wallboard"; Flags: onlyifdoesntexist uninsneveruninstall; Tasks: kiosk

[Icons]
Name: "{group}\Wallboard"; Filename: "{app}\wallboard.exe"
Name: "{group}\Wallboard demo"; Filename: "{app}\wallboard.exe"; Parameters: "--demo"
Name: "{autodesktop}\Wallboard"; Filename: "{app}\wallboard.exe"; Tasks: desktopicon
Name: "{commonstartup}\Wallboard (wall TV)"; Filename: "{app}\wallboard.exe"; Parameters: "--profile ""{commonappdata}\Wallboard\tv.toml"""; Tasks: kiosk

[Run]
Filename: "{app}\wallboard.exe"; Parameters: "--demo"; Description: "Run the demo now"; Flags: postinstall nowait skipifsilent unchecked
