; MediaDesk's Windows installer (NSIS 3, built on Linux by makensis in
; scripts/dist/build.sh: make dist). Defines: VERSION, EXE (the Windows
; build), ICON, OUTFILE.
;
; Per user, no administrator: %LOCALAPPDATA%\Programs\MediaDesk, a Start-menu
; shortcut, an "Apps & features" entry (HKCU ...\Uninstall\MediaDesk) with its
; uninstaller, silent with /S. "Start with Windows" (a component, off by
; default; /AUTOSTART=1 selects it in silent mode, /AUTOSTART=0 clears it) is
; the per-user Run value HKCU\Software\Microsoft\Windows\CurrentVersion\Run
; "MediaDesk" = "<dir>\mediadesk.exe" --background, the same key and value the
; app's own autostart setting uses. Installing over an installed MediaDesk
; (any version, the same one too) replaces the files and keeps the autostart
; choice; neither installing nor uninstalling touches the preferences and
; history in %APPDATA%\mediadesk.

; A 64-bit installer for the 64-bit app (it also runs on Wine without
; 32-bit support, as in make test-dist).
Target amd64-unicode
RequestExecutionLevel user
ManifestDPIAware true
SetCompressor /SOLID lzma

!define APP "MediaDesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MediaDesk"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define SETTINGSKEY "Software\MediaDesk"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${SETTINGSKEY}" "InstallDir"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "LegalCopyright" "The MediaDesk developers"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\mediadesk.exe"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "MediaDesk" SecApp
	SectionIn RO
	SetShellVarContext current
	SetOutPath "$INSTDIR"
	File "/oname=mediadesk.exe" "${EXE}"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\mediadesk.exe" "" "$INSTDIR\mediadesk.exe" 0
	WriteRegStr HKCU "${SETTINGSKEY}" "InstallDir" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APP}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "The MediaDesk developers"
	WriteRegStr HKCU "${UNINSTKEY}" "URLInfoAbout" "https://github.com/mediadesk/mediadesk"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\mediadesk.exe"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section /o "Start with Windows" SecAutostart
	WriteRegStr HKCU "${RUNKEY}" "${APP}" '"$INSTDIR\mediadesk.exe" --background'
SectionEnd

; Unchecked: the autostart is removed (only ours: the value named MediaDesk).
Section "-autostart off"
	${IfNot} ${SectionIsSelected} ${SecAutostart}
		DeleteRegValue HKCU "${RUNKEY}" "${APP}"
	${EndIf}
SectionEnd

Function .onInit
	SetShellVarContext current
	; An installed MediaDesk's autostart choice is kept (upgrade, reinstall).
	ReadRegStr $0 HKCU "${RUNKEY}" "${APP}"
	${If} $0 != ""
		!insertmacro SelectSection ${SecAutostart}
	${EndIf}
	; /AUTOSTART=1 or /AUTOSTART=0 decides it (silent rollouts).
	${GetParameters} $1
	ClearErrors
	${GetOptions} $1 "/AUTOSTART=" $2
	${IfNot} ${Errors}
		${If} $2 == "1"
			!insertmacro SelectSection ${SecAutostart}
		${Else}
			!insertmacro UnselectSection ${SecAutostart}
		${EndIf}
	${EndIf}
FunctionEnd

Section "Uninstall"
	SetShellVarContext current
	; Our files only, by name (never the preferences and history in
	; %APPDATA%\mediadesk); the directory goes when it is empty.
	Delete "$INSTDIR\mediadesk.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\${APP}.lnk"
	DeleteRegValue HKCU "${RUNKEY}" "${APP}"
	DeleteRegKey HKCU "${UNINSTKEY}"
	DeleteRegKey HKCU "${SETTINGSKEY}"
SectionEnd

Function un.onInit
	SetShellVarContext current
FunctionEnd
