import { dangerRules, findDangerousCommands, type DangerFinding, type DangerShell } from '../../../core/jobs/dangerous';

/**
 * The rules of docs/dangerous-commands.md, shell by shell: each dangerous command must be reported under exactly its
 * rule, on its line, and nothing else; each harmless look-alike (the same words echoed, searched for, commented out,
 * aimed at a build folder) must not be reported at all. Then whole scripts, for line, column and excerpt.
 */

type Case = [content: string, ruleId: string, line: number];

const found = (content: string, shell: DangerShell): [string, number][] => findDangerousCommands(content, shell).map((f) => [f.ruleId, f.line]);
const where = (f: DangerFinding) => ({ ruleId: f.ruleId, line: f.line, column: f.column, excerpt: f.excerpt });

const posixPositives: Case[] = [
  // posix.rm-root: the spellings of a recursive delete
  ['rm -rf /', 'posix.rm-root', 1],
  ['rm -fr /', 'posix.rm-root', 1],
  ['rm -r -f /', 'posix.rm-root', 1],
  ['rm --recursive --force /', 'posix.rm-root', 1],
  ['rm -R /', 'posix.rm-root', 1],
  ['rm / -rf', 'posix.rm-root', 1],
  ['rm -rf -- /etc', 'posix.rm-root', 1],
  ['rm -rf --no-preserve-root /', 'posix.rm-root', 1],
  ['rm -rf --no-preserve-root "$TARGET"', 'posix.rm-root', 1],
  // … of the root, home and system folders, however written
  ['rm -rf /*', 'posix.rm-root', 1],
  ['rm -rf //', 'posix.rm-root', 1],
  ['rm -rf /tmp/../', 'posix.rm-root', 1],
  ['rm -rf "/"', 'posix.rm-root', 1],
  ['rm -rf ~', 'posix.rm-root', 1],
  ['rm -rf ~/', 'posix.rm-root', 1],
  ['rm -rf ~/*', 'posix.rm-root', 1],
  ['rm -rf $HOME', 'posix.rm-root', 1],
  ['rm -rf "$HOME"', 'posix.rm-root', 1],
  ['rm -rf ${HOME}/*', 'posix.rm-root', 1],
  ['rm -rf /etc', 'posix.rm-root', 1],
  ['rm -rf /usr/', 'posix.rm-root', 1],
  ['rm -Rf /var/*', 'posix.rm-root', 1],
  ['rm -rf /boot', 'posix.rm-root', 1],
  ['rm -rf /bin /lib', 'posix.rm-root', 1],
  ['rm -rf /home/*', 'posix.rm-root', 1],
  ['rm -rf /usr/lib', 'posix.rm-root', 1],
  ['rm -rf /tmp/build /', 'posix.rm-root', 1],
  // … through prefixes and full paths
  ['sudo rm -rf /', 'posix.rm-root', 1],
  ['sudo -u root -- rm -rf /etc', 'posix.rm-root', 1],
  ['doas rm -rf /usr', 'posix.rm-root', 1],
  ['/bin/rm -rf /', 'posix.rm-root', 1],
  ['\\rm -rf /', 'posix.rm-root', 1],
  ['env LANG=C nohup rm -rf /', 'posix.rm-root', 1],
  ['command rm -rf /', 'posix.rm-root', 1],
  ['exec rm -rf /', 'posix.rm-root', 1],
  ['timeout 60 rm -rf /', 'posix.rm-root', 1],
  ['nice -n 19 ionice -c3 rm -rf /var', 'posix.rm-root', 1],
  ['echo / | xargs rm -rf', 'posix.rm-root', 1],
  ['find / | xargs rm -rf', 'posix.rm-root', 1],
  ['find / -delete', 'posix.rm-root', 1],
  ['find / -mindepth 1 -exec rm -rf {} +', 'posix.rm-root', 1],
  ['find /etc -type f -delete', 'posix.rm-root', 1],
  ['cd / && rm -rf *', 'posix.rm-root', 1],
  ['cd ~; rm -rf ./*', 'posix.rm-root', 1],
  // … in shell structure
  ['make clean && rm -rf /etc || true', 'posix.rm-root', 1],
  ['if [ -n "$WIPE" ]; then rm -rf /; fi', 'posix.rm-root', 1],
  ['{ rm -rf /; }', 'posix.rm-root', 1],
  ['(rm -rf /)', 'posix.rm-root', 1],
  ['echo "$(rm -rf /)"', 'posix.rm-root', 1],
  ['x=`rm -rf /`', 'posix.rm-root', 1],
  ['cat <(rm -rf /)', 'posix.rm-root', 1],
  ['rm -rf \\\n  /', 'posix.rm-root', 1],
  ['echo start\nrm -rf /\necho end', 'posix.rm-root', 2],
  // … handed to another shell
  ["sh -c 'rm -rf /'", 'posix.rm-root', 1],
  ['bash -lc "sudo rm -rf /usr"', 'posix.rm-root', 1],
  ['eval "rm -rf /"', 'posix.rm-root', 1],
  ["su -c 'rm -rf /etc' root", 'posix.rm-root', 1],
  ["bash <<'EOF'\nset -e\nrm -rf /\nEOF", 'posix.rm-root', 3],

  ['mkfs.ext4 /dev/sdb1', 'posix.mkfs', 1],
  ['mkfs -t xfs /dev/nvme1n1', 'posix.mkfs', 1],
  ['sudo mke2fs -F /dev/vdb', 'posix.mkfs', 1],
  ['/sbin/mkfs.vfat /dev/mmcblk0p1', 'posix.mkfs', 1],

  ['wipefs -a /dev/sda', 'posix.wipefs', 1],
  ['wipefs --all --force /dev/xvdf', 'posix.wipefs', 1],

  ['dd if=/dev/zero of=/dev/sda bs=1M', 'posix.disk-overwrite', 1],
  ['dd of=/dev/nvme0n1 if=disk.raw status=progress', 'posix.disk-overwrite', 1],
  ['sudo dd if=/dev/urandom of=/dev/mmcblk0', 'posix.disk-overwrite', 1],
  ['dd if=image.img of=/dev/$DISK', 'posix.disk-overwrite', 1],
  ['cat image.iso > /dev/sdb', 'posix.disk-overwrite', 1],
  ['echo hi >/dev/disk2', 'posix.disk-overwrite', 1],
  ['gunzip -c backup.gz | tee /dev/xvda', 'posix.disk-overwrite', 1],
  ['cp /dev/zero /dev/vda', 'posix.disk-overwrite', 1],
  ['shred -n 3 -z /dev/sdc', 'posix.disk-overwrite', 1],
  ['blkdiscard /dev/nvme0n1', 'posix.disk-overwrite', 1],
  ['sgdisk --zap-all /dev/sda', 'posix.disk-overwrite', 1],
  ['parted -s /dev/sdb mklabel gpt', 'posix.disk-overwrite', 1],

  [':(){ :|:& };:', 'posix.fork-bomb', 1],
  ['bomb(){ bomb|bomb& };bomb', 'posix.fork-bomb', 1],
  ['function f { f | f & }; f', 'posix.fork-bomb', 1],
  ['forkbomb() ( forkbomb & forkbomb )', 'posix.fork-bomb', 1],
  ['set -e\nf() {\n  f | f &\n}\nf', 'posix.fork-bomb', 2],

  ['chmod -R 777 /', 'posix.chmod-root', 1],
  ['chmod 000 /', 'posix.chmod-root', 1],
  ['chmod -R 755 /etc', 'posix.chmod-root', 1],
  ['sudo chmod --recursive a+w /usr', 'posix.chmod-root', 1],
  ['chown -R nobody:nogroup /', 'posix.chown-root', 1],
  ['chgrp -R users /var', 'posix.chown-root', 1],

  ['shutdown -h now', 'posix.shutdown', 1],
  ['shutdown -r +5 "maintenance"', 'posix.shutdown', 1],
  ['sudo reboot', 'posix.shutdown', 1],
  ['halt', 'posix.shutdown', 1],
  ['poweroff --force', 'posix.shutdown', 1],
  ['init 0', 'posix.shutdown', 1],
  ['telinit 6', 'posix.shutdown', 1],
  ['systemctl reboot', 'posix.shutdown', 1],
  ['systemctl --no-block poweroff', 'posix.shutdown', 1],
  ['systemctl isolate rescue.target', 'posix.shutdown', 1],
  ['nohup sh -c "sleep 5; reboot" &', 'posix.shutdown', 1],
  ['(sleep 10 && reboot) &', 'posix.shutdown', 1],
  ['echo b > /proc/sysrq-trigger', 'posix.shutdown', 1],
  ["echo 'reboot' | at now + 1 minute", 'posix.shutdown', 1],
  ['bash <<< "reboot"', 'posix.shutdown', 1],
  ['case "$1" in\n  stop) shutdown -h now ;;\nesac', 'posix.shutdown', 2],

  ['mv /* /dev/null', 'posix.mv-root', 1],
  ['mv ~ /tmp/old-home', 'posix.mv-root', 1],
  ['mv /etc /etc.bak', 'posix.mv-root', 1],
  ['mv -t /tmp /usr', 'posix.mv-root', 1],

  ['> /etc/passwd', 'posix.truncate-passwd', 1],
  ['echo "" > /etc/shadow', 'posix.truncate-passwd', 1],
  [': >| /etc/group', 'posix.truncate-passwd', 1],
  ['truncate -s 0 /etc/shadow', 'posix.truncate-passwd', 1],
  ['cp /dev/null /etc/passwd', 'posix.truncate-passwd', 1],
  ['echo root:x:0:0::/root:/bin/sh | sudo tee /etc/passwd', 'posix.truncate-passwd', 1],
  ['rm -f /etc/shadow', 'posix.truncate-passwd', 1],
  ['cd /etc && > passwd', 'posix.truncate-passwd', 1],

  ['crontab -r', 'posix.crontab-remove', 1],
  ['crontab -u deploy -r', 'posix.crontab-remove', 1],
  ['crontab -ir', 'posix.crontab-remove', 1],

  ['iptables -F', 'posix.firewall-flush', 1],
  ['sudo iptables -F INPUT', 'posix.firewall-flush', 1],
  ['ip6tables -t nat --flush', 'posix.firewall-flush', 1],
  ['nft flush ruleset', 'posix.firewall-flush', 1],
  ['ufw --force reset', 'posix.firewall-flush', 1],
  ['ufw disable', 'posix.firewall-flush', 1],

  ['userdel root', 'posix.userdel-root', 1],
  ['sudo userdel -r root', 'posix.userdel-root', 1],
  ['deluser --remove-home root', 'posix.userdel-root', 1],
];

const powershellPositives: Case[] = [
  ['Format-Volume -DriveLetter D', 'powershell.format-volume', 1],
  ['format-volume -DriveLetter C -FileSystem NTFS -Force', 'powershell.format-volume', 1],
  ['Get-Partition -DriveLetter E | Format-Volume -FileSystem NTFS', 'powershell.format-volume', 1],
  ['Storage\\Format-Volume -DriveLetter D', 'powershell.format-volume', 1],

  ['Clear-Disk -Number 1 -RemoveData -Confirm:$false', 'powershell.clear-disk', 1],
  ['Get-Disk 1 | Clear-Disk -RemoveData', 'powershell.clear-disk', 1],
  ['Remove-Partition -DiskNumber 1 -PartitionNumber 2 -Confirm:$false', 'powershell.remove-partition', 1],

  ['Remove-Item -Recurse -Force C:\\', 'powershell.remove-item-root', 1],
  ['Remove-Item C:/ -Recurse', 'powershell.remove-item-root', 1],
  ['Remove-Item -Path "$env:SystemDrive\\" -Recurse -Force', 'powershell.remove-item-root', 1],
  ['Remove-Item $env:SystemRoot -Recurse -Force', 'powershell.remove-item-root', 1],
  ['Remove-Item "${env:ProgramFiles(x86)}" -Recurse', 'powershell.remove-item-root', 1],
  ["Remove-Item -LiteralPath 'C:\\Windows\\System32' -Recurse", 'powershell.remove-item-root', 1],
  ['Remove-Item -Path:C:\\Windows -Recurse', 'powershell.remove-item-root', 1],
  ['REMOVE-ITEM -RECURSE C:\\', 'powershell.remove-item-root', 1],
  ['Remove-Item \\ -Recurse -Force', 'powershell.remove-item-root', 1],
  ['Remove-Item HKLM:\\SOFTWARE -Recurse', 'powershell.remove-item-root', 1],
  ['Remove-Item C:\\temp, C:\\ -Recurse', 'powershell.remove-item-root', 1],
  ['Microsoft.PowerShell.Management\\Remove-Item -Recurse C:\\', 'powershell.remove-item-root', 1],
  // aliases and abbreviated -Recurse
  ['rm -r C:\\*', 'powershell.remove-item-root', 1],
  ['ri -Rec -Force C:\\Users', 'powershell.remove-item-root', 1],
  ["del -Recurse -Force 'C:\\Program Files'", 'powershell.remove-item-root', 1],
  ['rd -r D:\\', 'powershell.remove-item-root', 1],
  ['erase -Recurse:$true C:\\ProgramData', 'powershell.remove-item-root', 1],
  ['rmdir $HOME -Recurse', 'powershell.remove-item-root', 1],
  ['Remove-Item ~ -r -fo', 'powershell.remove-item-root', 1],
  // fed by a listing, assigned, continued
  ['Get-ChildItem C:\\ | Remove-Item -Recurse -Force', 'powershell.remove-item-root', 1],
  ['gci -Path $env:SystemDrive\\ -Recurse | ri -Force', 'powershell.remove-item-root', 1],
  ['$null = Remove-Item -Recurse -Force C:\\', 'powershell.remove-item-root', 1],
  ['Remove-Item -Recurse -Force `\n  C:\\', 'powershell.remove-item-root', 1],

  ['Stop-Computer -Force', 'powershell.stop-computer', 1],
  ['Restart-Computer -Force', 'powershell.stop-computer', 1],
  ['restart-computer', 'powershell.stop-computer', 1],
  ['Stop-Computer -ComputerName web1, web2', 'powershell.stop-computer', 1],
  ['Invoke-Command -ComputerName web1 -ScriptBlock { Stop-Computer -Force }', 'powershell.stop-computer', 1],
  ["if ($env:REBOOT -eq '1') {\n    Restart-Computer -Force\n}", 'powershell.stop-computer', 2],
  ["& 'Stop-Computer'", 'powershell.stop-computer', 1],
  ['Write-Host "$(Stop-Computer)"', 'powershell.stop-computer', 1],
  ['Invoke-Expression "Stop-Computer -Force"', 'powershell.stop-computer', 1],
  ["iex 'Restart-Computer'", 'powershell.stop-computer', 1],
  ['powershell -NoProfile -Command "Stop-Computer"', 'powershell.stop-computer', 1],

  ['Disable-NetAdapter -Name * -Confirm:$false', 'powershell.disable-netadapter', 1],
  ['Disable-NetAdapter "*"', 'powershell.disable-netadapter', 1],
  ['Get-NetAdapter | Disable-NetAdapter -Confirm:$false', 'powershell.disable-netadapter', 1],
  ['Get-NetAdapter -Name * |\n  Disable-NetAdapter', 'powershell.disable-netadapter', 2],

  // Windows programs run from PowerShell
  ['shutdown /r /t 0', 'windows.shutdown', 1],
  ['shutdown.exe -s -f -t 0', 'windows.shutdown', 1],
  ['format d: /q /y', 'windows.format', 1],
  ['diskpart /s wipe.txt', 'windows.diskpart', 1],
  ['bcdedit /delete {current}', 'windows.bcdedit-delete', 1],
  ['cmd /c "rd /s /q C:\\"', 'cmd.rd-root', 1],
  ['cmd.exe /c del /s /q %SystemRoot%', 'cmd.del-root', 1],
];

const cmdPositives: Case[] = [
  ['format c:', 'windows.format', 1],
  ['FORMAT C: /FS:NTFS /Q /Y', 'windows.format', 1],
  ['echo y | format d: /q', 'windows.format', 1],

  ['rd /s /q c:\\', 'cmd.rd-root', 1],
  ['RD /S /Q C:\\', 'cmd.rd-root', 1],
  ['rmdir /S /Q C:\\Windows', 'cmd.rd-root', 1],
  ['rd /s/q %SystemDrive%\\', 'cmd.rd-root', 1],
  ['rd /s /q "%ProgramFiles%"', 'cmd.rd-root', 1],
  ['rd /s c:\\users', 'cmd.rd-root', 1],
  ['rd /s /q \\', 'cmd.rd-root', 1],
  ['@rd /s /q c:\\', 'cmd.rd-root', 1],
  ['if exist c:\\x rd /s /q c:\\', 'cmd.rd-root', 1],
  ['cmd /c rd /s /q c:\\', 'cmd.rd-root', 1],

  ['del /s /q c:\\', 'cmd.del-root', 1],
  ['del /f /s /q C:\\*.*', 'cmd.del-root', 1],
  ['erase /s /q %SystemRoot%', 'cmd.del-root', 1],
  ['del /s /q %USERPROFILE%', 'cmd.del-root', 1],
  ['cd /d c:\\ && del /s /q c:\\*', 'cmd.del-root', 1],

  ['shutdown /s /t 0', 'windows.shutdown', 1],
  ['shutdown /r', 'windows.shutdown', 1],
  ['SHUTDOWN -R -T 00', 'windows.shutdown', 1],
  ['shutdown /p', 'windows.shutdown', 1],
  ['call shutdown /r', 'windows.shutdown', 1],
  ['start "" shutdown /s /t 60', 'windows.shutdown', 1],
  ['if "%FORCE%"=="1" (shutdown /r /t 0)', 'windows.shutdown', 1],
  ['if errorlevel 1 (\r\n  echo failed\r\n) else (\r\n  shutdown /r /t 0\r\n)', 'windows.shutdown', 4],

  ['diskpart', 'windows.diskpart', 1],
  ['diskpart /s clean.txt', 'windows.diskpart', 1],
  ['(echo select disk 1 & echo clean) | diskpart', 'windows.diskpart', 1],

  ['bcdedit /delete {default}', 'windows.bcdedit-delete', 1],
  ['bcdedit.exe /DELETE {current} /f', 'windows.bcdedit-delete', 1],

  ['powershell -Command "Stop-Computer -Force"', 'powershell.stop-computer', 1],
  ['powershell.exe Format-Volume -DriveLetter D', 'powershell.format-volume', 1],
];

const posixNegatives: string[] = [
  // build folders, and folders only known at run time
  'rm -rf /tmp/build',
  'rm -rf ./dist',
  'rm -rf "$DIR"/cache',
  'rm -rf $BUILD_DIR/*',
  'rm -rf ~/.cache',
  'rm -rf "$HOME"/.npm',
  "rm -rf '$HOME'",
  'rm -rf /var/lib/myapp',
  'rm -rf /home/alice/tmp',
  'rm -f /tmp/*.log',
  'rm -rf /tmp/*',
  'rm /',
  'cd /tmp/work && rm -rf *',
  'cd "$DIR" && rm -rf *',
  'find /tmp -name "*.tmp" -delete',
  'find / -name core -delete',
  'find / -name "*.conf"',
  // the words as data: echoed, searched for, commented out, looked up
  'echo "rm -rf /"',
  'echo rm -rf /',
  "echo 'reboot now'",
  'printf "%s\\n" "shutdown -h now"',
  '# rm -rf /',
  '# clean up; reboot when done',
  'ls -la # && rm -rf /',
  'grep shutdown /var/log/syslog',
  'grep -r "rm -rf /" /etc',
  'journalctl -b -1 | grep -i reboot',
  'last reboot',
  'man shutdown',
  'which reboot',
  'command -v reboot',
  'sudo -l reboot',
  'apt-get install -y reboot-notifier',
  'needs-restarting -r || echo reboot required',
  'cat <<EOF\nrm -rf /\nreboot\nEOF',
  'case "$1" in\n  reboot) echo "will reboot" ;;\nesac',
  // services, not the host
  'systemctl restart nginx',
  'systemctl status reboot.target',
  'shutdown -c',
  'init 3',
  // files, not disks
  'dd if=/dev/zero of=./file bs=1M count=10',
  'dd if=/dev/sda of=/backup/sda.img',
  'cat /dev/sda > disk.img',
  'ls -l /dev/sda',
  'wipefs /dev/sda',
  'echo ok > /dev/null 2>&1',
  'cat mkfs.log',
  './scripts/mkfs-helper.sh',
  'vim /sbin/mkfs.ext4',
  'mkswap /swapfile',
  // ordinary permissions, moves, accounts, firewall rules
  'chmod -R 755 /var/www',
  'chown -R www-data: /srv/app',
  'chmod 644 /etc/hosts',
  'mv /tmp/a /tmp/b',
  'cp /etc/passwd /tmp/passwd.bak',
  "echo 'deploy:x:1001:1001::/home/deploy:/bin/sh' >> /etc/passwd",
  'tee -a /etc/group < extra-groups',
  'crontab -l',
  'crontab mycron',
  'iptables -L -n',
  'iptables -A INPUT -p tcp --dport 22 -j ACCEPT',
  'nft list ruleset',
  'ufw allow 22/tcp',
  'userdel deploy',
  // recursion that is not a fork bomb
  'walk() { walk "$1/a" & walk "$1/b"; }',
  'f() { f; }',
  'respawn() { sleep 60; respawn & }; respawn',
  // scripts the guard cannot see into
  'sh ./deploy.sh',
  'bash -c "$SCRIPT"',
  // POSIX is case-sensitive
  'RM -rf /',
  'Shutdown -h now',
  'REBOOT',
  'rm -rf /ETC',
];

const powershellNegatives: string[] = [
  'Remove-Item -Recurse C:\\temp\\x',
  'Remove-Item -Recurse -Force "$env:TEMP\\build"',
  'Remove-Item C:\\',
  'Remove-Item -Recurse:$false C:\\',
  'Remove-Item -Recurse -Force C:\\ -WhatIf',
  'Remove-Item C:\\* -Include *.tmp -Recurse',
  "Remove-Item -Recurse '$env:SystemDrive\\'",
  // PowerShell rejects -rf (no parameter matches it), so nothing is deleted
  'rm -rf C:\\',
  'Get-ChildItem C:\\Logs -Filter *.log | Remove-Item -Force',
  'Get-ChildItem C:\\ -Filter *.tmp -Recurse | Remove-Item',
  'Get-Help Format-Volume',
  'Get-Command Stop-Computer',
  'Get-Help Remove-Item -Examples',
  '# Stop-Computer -Force',
  '<# Format-Volume -DriveLetter C\nClear-Disk -Number 0 #>',
  'Write-Host "Restart-Computer"',
  "'Stop-Computer'",
  '$action = "Stop-Computer"',
  'Stop-Computer -WhatIf',
  'Format-Volume -DriveLetter D -WhatIf',
  'Disable-NetAdapter -Name "Ethernet 2" -Confirm:$false',
  'Get-NetAdapter -Name Wi-Fi | Disable-NetAdapter',
  'Get-NetAdapter | Format-Table',
  'Get-Disk | Format-List',
  'Format-Hex C:\\data.bin',
  'Restart-Service Spooler',
  'Get-Content C:\\logs\\shutdown.log',
  'shutdown /a',
  'function Stop-Everything { Get-Service }',
  'Invoke-Command -ScriptBlock { Get-Service }',
];

const cmdNegatives: string[] = [
  'echo format c:',
  'echo (shutdown /r)',
  'rem shutdown /s /t 0',
  // rem makes the whole line a comment, & included
  'rem clean up & shutdown /s /t 0',
  'REM rd /s /q c:\\',
  ':: rd /s /q c:\\',
  'rd /s /q c:\\temp\\build',
  'rd /s /q "%TEMP%\\build"',
  'rd c:\\',
  'del /q c:\\temp\\*.log',
  'del /s /q c:\\temp\\*',
  'del /s /q c:\\*.tmp',
  'dir c:\\',
  'shutdown /a',
  'format',
  'bcdedit /enum',
  'echo diskpart',
  'type shutdown.log',
  'findstr shutdown c:\\logs\\app.log',
  'set MODE=/s',
];

const cases = (shell: DangerShell, table: Case[]) => table.map(([content, ruleId, line]): [DangerShell, string, string, number] => [shell, content, ruleId, line]);
const positives = [...cases('posix', posixPositives), ...cases('powershell', powershellPositives), ...cases('cmd', cmdPositives)];
const negatives = [
  ...posixNegatives.map((c): [DangerShell, string] => ['posix', c]),
  ...powershellNegatives.map((c): [DangerShell, string] => ['powershell', c]),
  ...cmdNegatives.map((c): [DangerShell, string] => ['cmd', c]),
];

describe('dangerRules', () => {
  it('have unique, stable-looking ids, a title, an explanation and the shells their prefix says', () => {
    const ids = dangerRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of dangerRules) {
      expect(rule.id).toMatch(/^(posix|powershell|cmd|windows)\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.explanation.length).toBeGreaterThan(40);
      const prefix = rule.id.split('.')[0];
      expect([...rule.shells].sort()).toEqual(prefix === 'windows' ? ['cmd', 'powershell'] : [prefix]);
    }
  });

  it('each have a dangerous command below, in a shell they apply to', () => {
    for (const rule of dangerRules) {
      expect(positives.filter(([shell, , ruleId]) => ruleId === rule.id && rule.shells.includes(shell)).length).toBeGreaterThan(0);
    }
  });

  it('have enough cases', () => {
    expect(positives.length).toBeGreaterThanOrEqual(60);
    expect(negatives.length).toBeGreaterThanOrEqual(40);
  });
});

describe('findDangerousCommands: dangerous commands', () => {
  it.each(positives)('%s: %j is %s on line %d', (shell, content, ruleId, line) => {
    expect(found(content, shell)).toEqual([[ruleId, line]]);
  });
});

describe('findDangerousCommands: harmless look-alikes', () => {
  it.each(negatives)('%s: %j', (shell, content) => {
    expect(found(content, shell)).toEqual([]);
  });
});

describe('findDangerousCommands: shells', () => {
  it('reads each step in its own shell only', () => {
    expect(found('rm -rf /', 'cmd')).toEqual([]);
    expect(found('Stop-Computer', 'posix')).toEqual([]);
    expect(found('format c:', 'posix')).toEqual([]);
    expect(found('rd /s /q c:\\', 'powershell')).toEqual([]);
  });

  it('is case-sensitive for POSIX and not for PowerShell or cmd', () => {
    expect(found('reboot', 'posix')).toEqual([['posix.shutdown', 1]]);
    expect(found('Reboot', 'posix')).toEqual([]);
    expect(found('STOP-COMPUTER', 'powershell')).toEqual([['powershell.stop-computer', 1]]);
    expect(found('Remove-Item -RECURSE $ENV:SYSTEMDRIVE\\', 'powershell')).toEqual([['powershell.remove-item-root', 1]]);
    expect(found('Rd /S /Q %SYSTEMROOT%', 'cmd')).toEqual([['cmd.rd-root', 1]]);
  });
});

describe('findDangerousCommands: findings', () => {
  it('carry the rule text', () => {
    const [finding] = findDangerousCommands('reboot', 'posix');
    const rule = dangerRules.find((r) => r.id === 'posix.shutdown');
    expect(finding).toMatchObject({ ruleId: 'posix.shutdown', title: rule?.title, explanation: rule?.explanation });
  });

  it('point at each command of a shell script, continued lines joined in the excerpt', () => {
    const script = [
      '#!/bin/bash',
      'set -euo pipefail',
      '# rm -rf / would be a bad idea',
      'rm -rf /tmp/build',
      'if [ "$FORCE" = 1 ]; then',
      '  sudo rm -rf \\',
      '    /etc',
      'fi',
      'echo "done"; reboot',
    ].join('\n');

    expect(findDangerousCommands(script, 'posix').map(where)).toEqual([
      { ruleId: 'posix.rm-root', line: 6, column: 3, excerpt: 'sudo rm -rf /etc' },
      { ruleId: 'posix.shutdown', line: 9, column: 14, excerpt: 'reboot' },
    ]);
  });

  it('point into the script a command hands to another shell', () => {
    expect(findDangerousCommands("sh -c 'echo hi; reboot'", 'posix').map(where)).toEqual([{ ruleId: 'posix.shutdown', line: 1, column: 17, excerpt: 'reboot' }]);
    expect(findDangerousCommands("ssh_ok=1\nsudo bash <<'EOF'\n  cd /\n  rm -rf *\nEOF", 'posix').map(where)).toEqual([
      { ruleId: 'posix.rm-root', line: 4, column: 3, excerpt: 'rm -rf *' },
    ]);
    expect(findDangerousCommands('cmd /c "rd /s /q C:\\"', 'powershell').map(where)).toEqual([{ ruleId: 'cmd.rd-root', line: 1, column: 9, excerpt: 'rd /s /q C:\\' }]);
  });

  it('point at each statement of a PowerShell script', () => {
    const script = [
      '$ErrorActionPreference = "Stop"',
      '# Stop-Computer is not run here',
      'Get-ChildItem C:\\temp | Remove-Item -Recurse',
      'if ($Wipe) {',
      '    Clear-Disk -Number 1 -RemoveData -Confirm:$false',
      '}',
      'Restart-Computer -Force',
    ].join('\r\n');

    expect(findDangerousCommands(script, 'powershell').map(where)).toEqual([
      { ruleId: 'powershell.clear-disk', line: 5, column: 5, excerpt: 'Clear-Disk -Number 1 -RemoveData -Confirm:$false' },
      { ruleId: 'powershell.stop-computer', line: 7, column: 1, excerpt: 'Restart-Computer -Force' },
    ]);
  });

  it('point at each command of a batch file with CRLF line ends', () => {
    const script = ['@echo off', 'rem clean up', 'rd /s /q "%TEMP%\\build"', 'if /i "%1"=="wipe" (', '  format d: /q /y', ')', 'shutdown /r /t 0', ''].join('\r\n');

    expect(findDangerousCommands(script, 'cmd').map(where)).toEqual([
      { ruleId: 'windows.format', line: 5, column: 3, excerpt: 'format d: /q /y' },
      { ruleId: 'windows.shutdown', line: 7, column: 1, excerpt: 'shutdown /r /t 0' },
    ]);
  });

  it('report a fork bomb once, from its definition', () => {
    expect(findDangerousCommands('echo go\n:(){ :|:& };:', 'posix').map(where)).toEqual([{ ruleId: 'posix.fork-bomb', line: 2, column: 1, excerpt: ':(){ :|:& }' }]);
  });

  it('come in order, one per rule and command, two where one command breaks two rules', () => {
    expect(found('reboot; rm -rf / /etc ~', 'posix')).toEqual([
      ['posix.shutdown', 1],
      ['posix.rm-root', 1],
    ]);
    expect(findDangerousCommands('tee /dev/sda /etc/passwd < image', 'posix').map((f) => f.ruleId)).toEqual(['posix.disk-overwrite', 'posix.truncate-passwd']);
  });

  it('shorten long excerpts', () => {
    const [finding] = findDangerousCommands(`rm -rf / ${'x'.repeat(300)}`, 'posix');
    expect(finding?.excerpt).toHaveLength(120);
    expect(finding?.excerpt).toMatch(/^rm -rf \/ x+…$/);
  });

  it('survive text no shell would accept', () => {
    const inputs: [string, DangerShell][] = [
      ['', 'posix'],
      ['rm -rf "/', 'posix'],
      ['echo $(', 'posix'],
      ['echo `', 'posix'],
      ['cat <<EOF\nno end', 'posix'],
      ['f() {', 'posix'],
      ['case x in', 'posix'],
      [`${'$('.repeat(5000)}reboot${')'.repeat(5000)}`, 'posix'],
      [`${'sh -c "'.repeat(50)}reboot`, 'posix'],
      ['Remove-Item "C:\\', 'powershell'],
      ['@"\nnot closed', 'powershell'],
      [`${'$('.repeat(5000)}Stop-Computer`, 'powershell'],
      ['<# open', 'powershell'],
      ['rd /s /q "c:\\', 'cmd'],
      ['if exist', 'cmd'],
      ['((((', 'cmd'],
      ['^', 'cmd'],
    ];
    for (const [content, shell] of inputs) expect(() => findDangerousCommands(content, shell)).not.toThrow();
  });
});
