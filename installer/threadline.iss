; Inno Setup 6 script: the Windows installer for the one-folder application in dist\threadline.
; Run by installer\build.py as:  iscc /DAppVersion=0.1.0 /DSourceDir=...\dist\threadline /DOutputDir=...\dist
;                                   /DIconFile=...\installer\threadline.ico threadline.iss
; Per-machine install under Program Files, Start-menu and optional desktop shortcuts, uninstall entry.
; Settings and the embedded database live in the user's profile (platformdirs), so an update or an
; uninstall leaves them alone; the app migrates the database (after a backup) on its next start.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\threadline"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif
; threadline.ico is generated from app\resources\threadline.svg by installer\build.py (16-256 px).
#ifndef IconFile
  #define IconFile "threadline.ico"
#endif

[Setup]
; Never change AppId: it is how an update finds the installed version.
AppId={{6F1D2B4E-3C7A-4E59-9B2D-7A1E5C3F8D20}
AppName=Threadline
AppVersion={#AppVersion}
AppVerName=Threadline {#AppVersion}
AppPublisher=Threadline
DefaultDirName={autopf}\Threadline
DefaultGroupName=Threadline
DisableProgramGroupPage=yes
PrivilegesRequired=admin
OutputDir={#OutputDir}
OutputBaseFilename=threadline-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Setup's and the uninstaller's own icon; the shortcuts show threadline.exe's, which is the same.
SetupIconFile={#IconFile}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\threadline.exe
UninstallDisplayName=Threadline {#AppVersion}
; An update replaces the whole folder: files removed from a new version must not linger.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Modules of the previous version must not linger next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Threadline"; Filename: "{app}\threadline.exe"
Name: "{group}\Uninstall Threadline"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Threadline"; Filename: "{app}\threadline.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\threadline.exe"; Description: "{cm:LaunchProgram,Threadline}"; Flags: nowait postinstall skipifsilent
