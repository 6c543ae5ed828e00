#!/usr/bin/env python3
"""ippm udping server: a statsd collector that was down for a moment does not
cost the next report once it is back. The statsd socket is connected, so the
ICMP port unreachable drawn by the report sent while it was down stays pending
and, unless cleared, refuses the next send. Exit 0 when the second report
arrives."""
import socket, subprocess, sys, time, struct, os
ippm=sys.argv[1]
def free():
    s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); p=s.getsockname()[1]; s.close(); return p
port=free(); sport=free()
srv=subprocess.Popen([ippm,'udping','server','-l','127.0.0.1','-p',str(port),'-k','1','-N','-q','-s','127.0.0.1:%d'%sport],stderr=subprocess.DEVNULL)
time.sleep(0.5)
def pkt(guid, seq):
    t=time.time(); b=bytearray(72)
    b[0]=1; struct.pack_into('<q',b,8,int(t)); b[16:36]=guid.encode(); struct.pack_into('<I',b,40,seq)
    struct.pack_into('<qq',b,48,int(t),int((t%1)*1e9)); struct.pack_into('<I',b,64,72); return bytes(b)
tx=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
tx.sendto(pkt('a'*20,0),('127.0.0.1',port))  # its report hits a closed port -> ICMP
time.sleep(2.5)
col=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); col.bind(('127.0.0.1',sport)); col.settimeout(4)
tx.sendto(pkt('b'*20,0),('127.0.0.1',port))
try:
    d=col.recv(4096); print('got', d.split(b'\n')[0]); ok=True
except socket.timeout:
    print('lost'); ok=False
srv.terminate(); srv.wait()
sys.exit(0 if ok else 1)
