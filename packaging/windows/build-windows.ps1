# Build the Windows installer: dist\wallboard\ (the frozen bundle) and dist\Wallboard-<version>-setup.exe.
# Needs Python 3.11+ and Inno Setup 6 (iscc.exe on PATH, or in its default folder). Run from any folder:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build-windows.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
if (-not (Test-Path .venv\Scripts\python.exe)) { python -m venv .venv }
.venv\Scripts\python.exe -m pip install -q -e . "pyinstaller>=6.10,<7"
$version = .venv\Scripts\python.exe -c "import wallboard; print(wallboard.__version__)"
.venv\Scripts\python.exe -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\wallboard.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
# A frozen board must start: --version and a short offscreen demo, before anything is packed.
$out = & dist\wallboard\wallboard.exe --version
if ($out -ne "wallboard $version") { throw "--version said '$out'" }
$env:QT_QPA_PLATFORM = "offscreen"
& dist\wallboard\wallboard.exe --demo --agents 12 --quit-after 3 --screenshot build\smoke.png
if (-not (Test-Path build\smoke.png)) { throw "the frozen demo did not run" }
Remove-Item Env:\QT_QPA_PLATFORM
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\wallboard.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-Item "dist\Wallboard-$version-setup.exe" | Format-List Name, Length
